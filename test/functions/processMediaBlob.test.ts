import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { FUNCTIONS_TEST_KEY, functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { deliverBlob } from '../support/deliverBlob';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  harness = await functionsHarness();
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await harness.close();
});

/** Uploads a PNG and invokes the trigger as the host does. */
const deliver = (name: string, bytes: Buffer) =>
  deliverBlob(harness, processMediaBlob, name, bytes, { contentType: 'image/png' });

const read = async (name: string) => (await harness.blobs.readJson(harness.output, name))?.value;

describe('processMediaBlob (invoked as the host does)', () => {
  it('writes a result document for a delivered image, logging no payload or key', async () => {
    const png = await encodeImage('png', 20, 10);
    await deliver('in/a b/ünï.png', png);
    const document = await read('in/a b/ünï.png.json');
    expectValidResultDocument(document);
    expect(document).toMatchObject({ media: { width: 20, height: 10 }, attempts: 1 });
    const text = harness.logs.join('\n');
    expect(text).toContain('succeeded');
    expect(text).not.toContain(FUNCTIONS_TEST_KEY);
    expect(text).not.toContain(png.toString('base64').slice(0, 24));
  });

  it('uses the delivered bytes only when they are provably the stored version', async () => {
    const png = await encodeImage('png', 4, 4);
    const { etag } = await harness.blobs.upload(harness.input, 'fresh.png', png);
    await processMediaBlob(
      Buffer.from('not what storage holds'),
      harness.context('processMediaBlob', {
        blobTrigger: `${harness.input}/fresh.png`,
        properties: { ETag: '"0xOTHER"' },
      }),
    );
    expect(await read('fresh.png.json')).toMatchObject({ source: { etag }, media: { width: 4 } });
  });

  it('returns normally after recording a permanent failure', async () => {
    await expect(deliver('empty.png', Buffer.alloc(0))).resolves.toBeUndefined();
    const document = await read('empty.png.error.json');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'empty_blob' } });
  });

  it('two simultaneous deliveries of one version: one model call, one throws in_progress, its redelivery is skipped', async () => {
    const png = await encodeImage('png', 7, 7);
    const { etag } = await harness.blobs.upload(harness.input, 'twin.png', png, { contentType: 'image/png' });
    const calls = harness.emulator.stats().chatCompletions;
    const deliver = () => deliverBlob(harness, processMediaBlob, 'twin.png', png, { upload: false });
    const settled = await Promise.allSettled([deliver(), deliver()]);
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(settled.find((outcome) => outcome.status === 'rejected')?.reason).toMatchObject({
      code: 'in_progress',
      retryable: true,
    });
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 1);
    expect(await read('twin.png.json')).toMatchObject({ source: { etag } });
    expect(await read('twin.png.error.json')).toBeUndefined();

    // The host redelivers the one that threw: the document exists by now.
    await deliver();
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 1);
    expect(harness.logs.join('\n')).toContain('twin.png → skipped');
  });

  it('skips a duplicate delivery without a model call', async () => {
    const png = await encodeImage('png', 6, 6);
    await deliver('twice.png', png);
    const calls = harness.emulator.stats().chatCompletions;
    await deliverBlob(harness, processMediaBlob, 'twice.png', png, { upload: false });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });
});

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
    const calls = harness.emulator.stats().chatCompletions;
    await deliverBlob(harness, processMediaBlob, 'cat.png.error', png, { upload: false });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
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
    await harness.blobs.writeJson(harness.output, 'dog.png.error.json', foreign, undefined);
    await deliver('dog.png', png);
    expect(await read('dog.png.json')).toMatchObject({ source: { name: 'dog.png' } });
    expect(await read('dog.png.error.json')).toEqual(foreign);
  });
});
