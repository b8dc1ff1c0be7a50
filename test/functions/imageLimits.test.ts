import zlib from 'node:zlib';
import sharp from 'sharp';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { animated } from '../fixtures/imageKinds';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { deliverToBlobTrigger } from '../support/deliverToBlobTrigger';
import { postRawMedia } from '../support/postRawMedia';

/**
 * MEDIA_ANIMATED_IMAGES=reject and a small MEDIA_DECODE_MEMORY_MB, through the real handlers: 64 MiB leaves
 * 48 MiB for one large decode at a time.
 */
let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;
let completions: typeof Completions;

beforeAll(async () => {
  harness = await functionsHarness({}, { MEDIA_ANIMATED_IMAGES: 'reject', MEDIA_DECODE_MEMORY_MB: '64' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
  ({ completions } = await import('../../src/functions/completions'));
});

afterAll(async () => {
  await harness.close();
});

const viaBlob = (name: string, bytes: Buffer): Promise<unknown> =>
  deliverToBlobTrigger(harness, processMediaBlob, name, bytes);
const viaHttp = (bytes: Buffer) => postRawMedia(harness, completions, bytes, 'image/gif');

/** A still GIF of `side`×`side`: its frame is decoded whole, 4 bytes a pixel. */
function stillGif(side: number): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 3, background: 'orange' } })
    .gif()
    .toBuffer();
}

/** A black 1-bit greyscale PNG of `side`×`side`, written by hand: tiny on disk, hundreds of megapixels. */
function bilevelPng(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, not interlaced
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // filter byte 0 and zero bits per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('MEDIA_ANIMATED_IMAGES=reject', () => {
  it('refuses an animated GIF naming its exact frame count, with no model call', async () => {
    const gif = await animated('gif', 1000, 8, 8);
    const calls = harness.emulator.stats().chatCompletions;
    const document = await viaBlob('anim/thousand.gif', gif);
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const { message } = (document as { error: { message: string } }).error;
    expect(message).toMatch(/Animated GIF \(1000 frames\)/);
    expect(message).toMatch(/MEDIA_ANIMATED_IMAGES=first-frame/);
    const http = await viaHttp(gif);
    expect(http.status).toBe(415);
    expect(JSON.stringify(http.body)).toMatch(/1000 frames/);
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });

  it('still sends a still GIF as it is', async () => {
    const gif = await stillGif(32);
    const document = await viaBlob('anim/still.gif', gif);
    expectValidResultDocument(document);
    expect(document).toMatchObject({ sent: { format: 'gif', converted: false } });
  });
});

describe('MEDIA_DECODE_MEMORY_MB', () => {
  it('refuses a decode over the budget with media_too_large_pixels naming the limit', async () => {
    // 4000×4000 RGBA is 61 MiB, more than the 48 MiB one decode may hold.
    const gif = await stillGif(4000);
    const document = await viaBlob('budget/huge.gif', gif);
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'media_too_large_pixels' } });
    expect(JSON.stringify(document)).toMatch(
      /4000x4000 pixels needs about \d+ MiB .*48 MiB .*MEDIA_DECODE_MEMORY_MB/,
    );
    const http = await viaHttp(gif);
    expect(http.status).toBe(413);
  });

  it('takes a valid image over the 268 MP default of sharp to our own limits, not to invalid_media', async () => {
    // 17000×17000 at 1 bit per pixel, non-interlaced: it streams row by row, so it fits the budget.
    const document = await viaBlob('budget/bilevel.png', bilevelPng(17_000));
    expectValidResultDocument(document);
    expect(document).toMatchObject({ media: { width: 17_000, height: 17_000 }, sent: { downscaled: true } });
  }, 120_000);

  it('decodes what fits the budget, several at once, one large one at a time', async () => {
    // 3000×3000 RGBA is 34 MiB: each goes alone through the large lane.
    const gif = await stillGif(3000);
    const documents = await Promise.all([1, 2, 3].map((index) => viaBlob(`budget/fits-${index}.gif`, gif)));
    for (const document of documents) {
      expectValidResultDocument(document);
      expect(document).toMatchObject({ sent: { format: 'png', width: 768, height: 768, downscaled: true } });
    }
  });
});
