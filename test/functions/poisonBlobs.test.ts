import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import type * as PoisonModule from '../../src/functions/poisonBlobs';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { testConnectionString } from '../support/storage';
import { writeClaim } from '../support/writeClaim';

let harness: FunctionsHarness;
let poison: typeof PoisonModule;

beforeAll(async () => {
  harness = await functionsHarness();
  poison = await import('../../src/functions/poisonBlobs');
});

afterAll(async () => {
  await harness.close();
});

const read = async (name: string) => (await harness.blobs.readJson(harness.output, name))?.value;

describe('poisonBlobs', () => {
  it('writes the error document for a blob the host gave up on (JSON text message)', async () => {
    const { etag } = await harness.blobs.upload(
      harness.input,
      'dir/poisoned.png',
      await encodeImage('png', 3, 3),
    );
    const message = JSON.stringify({
      FunctionId: 'Host.Functions.processMediaBlob',
      BlobType: 'BlockBlob',
      ContainerName: harness.input,
      BlobName: 'dir/poisoned.png',
      ETag: etag.replaceAll('"', ''),
    });
    await poison.poisonBlobs(message, harness.context('poisonBlobs', { dequeueCount: 1 }));
    const document = await read('dir/poisoned.png.error.json');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({
      source: { name: 'dir/poisoned.png', etag },
      error: { code: 'retries_exhausted', retryable: true, attempts: poison.POISON_BLOB_THRESHOLD },
    });
  });

  it('accepts the message as an object (camelCased by the worker)', async () => {
    const { etag } = await harness.blobs.upload(harness.input, 'obj.png', await encodeImage('png', 3, 3));
    await poison.poisonBlobs(
      {
        functionId: 'Host.Functions.processMediaBlob',
        containerName: harness.input,
        blobName: 'obj.png',
        eTag: etag,
      },
      harness.context('poisonBlobs', {}),
    );
    expect(await read('obj.png.error.json')).toMatchObject({ error: { code: 'retries_exhausted' } });
  });

  it('ignores messages of other containers or functions, and superseded versions', async () => {
    await harness.blobs.upload(harness.input, 'other.png', await encodeImage('png', 3, 3));
    await poison.poisonBlobs(
      { ContainerName: 'elsewhere', BlobName: 'other.png' },
      harness.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs(
      { FunctionId: 'Host.Functions.batchItems', ContainerName: harness.input, BlobName: 'other.png' },
      harness.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs(
      { ContainerName: harness.input, BlobName: 'other.png', ETag: '0xOLDVERSION' },
      harness.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs('not json', harness.context('poisonBlobs', {}));
    expect(await read('other.png.error.json')).toBeUndefined();
  });

  it('puts the message back behind a live claim of a crashed delivery and records the input when it lapses', async () => {
    const name = 'crashed-holder.png';
    const { etag } = await harness.blobs.upload(harness.input, name, await encodeImage('png', 4, 4));
    // A delivery that crashed during its model call: a live claim and no document.
    await writeClaim(
      harness.blobs,
      harness,
      { name, etag },
      { now: Date.now(), expiresAt: Date.now() + 200 },
    );
    const message = {
      FunctionId: 'Host.Functions.processMediaBlob',
      BlobType: 'BlockBlob',
      ContainerName: harness.input,
      BlobName: name,
      ETag: etag.replaceAll('"', ''),
    };
    // Returns at once (no wait inside the invocation) with nothing written...
    await poison.poisonBlobs(JSON.stringify(message), harness.context('poisonBlobs', { dequeueCount: 1 }));
    expect(await read(`${name}.error.json`)).toBeUndefined();
    // ...and the message is back on the poison queue, invisible until the claim has lapsed.
    const queue = QueueServiceClient.fromConnectionString(testConnectionString()).getQueueClient(
      poison.BLOB_POISON_QUEUE,
    );
    const putBack = await receiveFor(queue, name);
    expect(putBack.invisibleFirst).toBe(true);
    expect(putBack.message).toMatchObject({
      FunctionId: message.FunctionId,
      ContainerName: harness.input,
      BlobName: name,
      Deferrals: 1,
    });
    // The later delivery takes the lapsed claim over and writes the document.
    await poison.poisonBlobs(putBack.text, harness.context('poisonBlobs', { dequeueCount: 1 }));
    expect(await read(`${name}.error.json`)).toMatchObject({
      source: { etag },
      error: { code: 'retries_exhausted' },
    });
  });

  it('matches poisonBlobThreshold in host.json', () => {
    const host = JSON.parse(readFileSync(path.join(__dirname, '../../host.json'), 'utf8')) as {
      extensions: { blobs: { poisonBlobThreshold: number } };
    };
    expect(host.extensions.blobs.poisonBlobThreshold).toBe(poison.POISON_BLOB_THRESHOLD);
  });
});

/**
 * The message for `name` on the poison queue, received (and deleted) once it becomes visible; `invisibleFirst`
 * tells whether it was invisible at the first look.
 */
async function receiveFor(
  queue: ReturnType<QueueServiceClient['getQueueClient']>,
  name: string,
): Promise<{ text: string; message: unknown; invisibleFirst: boolean }> {
  let invisibleFirst: boolean | undefined;
  for (let look = 0; look < 100; look++) {
    const { receivedMessageItems } = await queue.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 30,
    });
    for (const item of receivedMessageItems) {
      const text = Buffer.from(item.messageText, 'base64').toString('utf8');
      const message = JSON.parse(text) as { BlobName?: unknown };
      if (message.BlobName !== name) continue;
      await queue.deleteMessage(item.messageId, item.popReceipt);
      return { text, message, invisibleFirst: invisibleFirst ?? false };
    }
    invisibleFirst ??= true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`No message for ${name} on the poison queue.`);
}
