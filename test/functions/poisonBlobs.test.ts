import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as PoisonModule from '../../src/functions/poisonBlobs';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

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

  it('matches poisonBlobThreshold in host.json', () => {
    const host = JSON.parse(readFileSync(path.join(__dirname, '../../host.json'), 'utf8')) as {
      extensions: { blobs: { poisonBlobThreshold: number } };
    };
    expect(host.extensions.blobs.poisonBlobThreshold).toBe(poison.POISON_BLOB_THRESHOLD);
  });
});
