import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let h: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  h = await functionsHarness();
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await h.close();
});

/** Uploads a blob and invokes the trigger as the host does. */
async function deliver(name: string, bytes: Buffer): Promise<void> {
  const { etag } = await h.blobs.upload(h.input, name, bytes);
  await processMediaBlob(
    bytes,
    h.context('processMediaBlob', {
      name,
      blobTrigger: `${h.input}/${name}`,
      properties: { eTag: etag.replaceAll('"', ''), length: bytes.length },
      metadata: {},
    }),
  );
}

const read = async (name: string) => (await h.blobs.readJson(h.output, name))?.value;

describe('one document per input (the blob trigger)', () => {
  it('keeps the result of X.error when X fails, succeeds and is redelivered', async () => {
    const png = await encodeImage('png', 6, 6);
    await deliver('cat.png.error', png);
    const kept = await read('cat.png.error~.json');
    expectValidResultDocument(kept);
    expect(kept).toMatchObject({ source: { name: 'cat.png.error' } });

    // X fails: its error document must not be X.error's result document.
    await deliver('cat.png', Buffer.from('not an image'));
    const failed = await read('cat.png.error.json');
    expectValidErrorDocument(failed);
    expect(failed).toMatchObject({ source: { name: 'cat.png' }, error: { code: 'unsupported_media_type' } });

    // X succeeds (its own error document goes), then is delivered again: X.error's result stays, no new call.
    await deliver('cat.png', png);
    expect(await read('cat.png.json')).toMatchObject({ source: { name: 'cat.png' } });
    expect(await read('cat.png.error.json')).toBeUndefined();
    const calls = h.emulator.stats().chatCompletions;
    const { etag } = (await h.blobs.getProperties(h.input, 'cat.png.error')) ?? { etag: '' };
    await processMediaBlob(
      png,
      h.context('processMediaBlob', { name: 'cat.png.error', properties: { eTag: etag }, metadata: {} }),
    );
    expect(h.emulator.stats().chatCompletions).toBe(calls);
    expect(await read('cat.png.error~.json')).toEqual(kept);
  });

  it('never deletes or replaces a document that another input wrote', async () => {
    const png = await encodeImage('png', 5, 5);
    // A blob in the output container that is not this input's document (another writer's, or planted).
    const foreign = {
      schemaVersion: 1,
      status: 'failed',
      source: { container: 'x', name: 'other', etag: 'e' },
    };
    await h.blobs.writeJson(h.output, 'dog.png.error.json', foreign, undefined);
    await deliver('dog.png', png);
    expect(await read('dog.png.json')).toMatchObject({ source: { name: 'dog.png' } });
    expect(await read('dog.png.error.json')).toEqual(foreign);
  });
});
