import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as PoisonModule from '../../src/functions/poisonBlobs';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let h: FunctionsHarness;
let poison: typeof PoisonModule;

beforeAll(async () => {
  h = await functionsHarness();
  poison = await import('../../src/functions/poisonBlobs');
});

afterAll(async () => {
  await h.close();
});

const read = async (name: string) => (await h.blobs.readJson(h.output, name))?.value;

describe('poisonBlobs', () => {
  it('writes the error document for a blob the host gave up on (JSON text message)', async () => {
    const { etag } = await h.blobs.upload(h.input, 'dir/poisoned.png', await encodeImage('png', 3, 3));
    const message = JSON.stringify({
      FunctionId: 'Host.Functions.processMediaBlob',
      BlobType: 'BlockBlob',
      ContainerName: h.input,
      BlobName: 'dir/poisoned.png',
      ETag: etag.replaceAll('"', ''),
    });
    await poison.poisonBlobs(message, h.context('poisonBlobs', { dequeueCount: 1 }));
    const document = await read('dir/poisoned.png.error.json');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({
      source: { name: 'dir/poisoned.png', etag },
      error: { code: 'retries_exhausted', retryable: true, attempts: poison.POISON_BLOB_THRESHOLD },
    });
  });

  it('accepts the message as an object (camelCased by the worker)', async () => {
    const { etag } = await h.blobs.upload(h.input, 'obj.png', await encodeImage('png', 3, 3));
    await poison.poisonBlobs(
      {
        functionId: 'Host.Functions.processMediaBlob',
        containerName: h.input,
        blobName: 'obj.png',
        eTag: etag,
      },
      h.context('poisonBlobs', {}),
    );
    expect(await read('obj.png.error.json')).toMatchObject({ error: { code: 'retries_exhausted' } });
  });

  it('ignores messages of other containers or functions, and superseded versions', async () => {
    await h.blobs.upload(h.input, 'other.png', await encodeImage('png', 3, 3));
    await poison.poisonBlobs(
      { ContainerName: 'elsewhere', BlobName: 'other.png' },
      h.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs(
      { FunctionId: 'Host.Functions.batchItems', ContainerName: h.input, BlobName: 'other.png' },
      h.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs(
      { ContainerName: h.input, BlobName: 'other.png', ETag: '0xOLDVERSION' },
      h.context('poisonBlobs', {}),
    );
    await poison.poisonBlobs('not json', h.context('poisonBlobs', {}));
    expect(await read('other.png.error.json')).toBeUndefined();
  });

  it('matches poisonBlobThreshold in host.json', () => {
    const host = JSON.parse(readFileSync(path.join(__dirname, '../../host.json'), 'utf8')) as {
      extensions: { blobs: { poisonBlobThreshold: number } };
    };
    expect(host.extensions.blobs.poisonBlobThreshold).toBe(poison.POISON_BLOB_THRESHOLD);
  });
});
