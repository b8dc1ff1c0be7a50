import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ResultDocument } from '../../src/core/outputs/documents';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { animated, bmp, cmykJpeg, encodeOther, heic, orientedJpeg } from '../fixtures/imageKinds';
import { expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { deliverToBlobTrigger } from '../support/deliverToBlobTrigger';
import { postRawMedia } from '../support/postRawMedia';

/**
 * Every image kind the service does not take as it is, through the real handlers (blob trigger and HTTP) against
 * Azurite and the emulator, which checks what it receives with libvips rather than the product's readers.
 */
let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;
let completions: typeof Completions;

beforeAll(async () => {
  harness = await functionsHarness();
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
  ({ completions } = await import('../../src/functions/completions'));
});

afterAll(async () => {
  await harness.close();
});

const shortHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 8);
const lastReceived = () => harness.emulator.stats().received.at(-1)?.media[0];

async function viaBlob(name: string, bytes: Buffer): Promise<ResultDocument> {
  const document = await deliverToBlobTrigger(harness, processMediaBlob, name, bytes);
  expectValidResultDocument(document);
  return document;
}

async function viaHttp(bytes: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const { status, body } = await postRawMedia(harness, completions, bytes, contentType);
  expect(status).toBe(200);
  return body;
}

interface Kind {
  name: string;
  make: () => Promise<Buffer>;
  contentType: string;
  /** What the result document's `media` must say (as stored, upright). */
  media: { format: string; width: number; height: number };
  /** What the result document's `sent` must say. */
  sent: { format: string; width: number; height: number; from: string };
}

const KINDS: Kind[] = [
  {
    name: 'heic',
    make: () => Promise.resolve(heic()),
    contentType: 'image/heic',
    media: { format: 'heic', width: 320, height: 240 },
    sent: { format: 'jpeg', width: 320, height: 240, from: 'heic' },
  },
  {
    name: 'avif',
    make: () => encodeOther('avif', 320, 240),
    contentType: 'image/avif',
    media: { format: 'avif', width: 320, height: 240 },
    sent: { format: 'jpeg', width: 320, height: 240, from: 'avif' },
  },
  {
    name: 'tiff',
    make: () => encodeOther('tiff', 320, 240),
    contentType: 'image/tiff',
    media: { format: 'tiff', width: 320, height: 240 },
    sent: { format: 'png', width: 320, height: 240, from: 'tiff' },
  },
  {
    name: 'bmp',
    make: () => bmp(320, 240),
    contentType: 'image/bmp',
    media: { format: 'bmp', width: 320, height: 240 },
    sent: { format: 'png', width: 320, height: 240, from: 'bmp' },
  },
  {
    name: 'cmyk jpeg',
    make: () => cmykJpeg(300, 200),
    contentType: 'image/jpeg',
    media: { format: 'jpeg', width: 300, height: 200 },
    sent: { format: 'jpeg', width: 300, height: 200, from: 'jpeg (cmyk)' },
  },
  {
    name: 'jpeg with exif orientation 6',
    make: () => orientedJpeg(400, 300, 6),
    contentType: 'image/jpeg',
    media: { format: 'jpeg', width: 300, height: 400 },
    sent: { format: 'jpeg', width: 300, height: 400, from: 'jpeg (exif orientation 6)' },
  },
  {
    name: 'animated gif of 1,000 frames',
    make: () => animated('gif', 1000, 16, 12),
    contentType: 'image/gif',
    media: { format: 'gif', width: 16, height: 12 },
    sent: { format: 'png', width: 16, height: 12, from: 'gif (animated)' },
  },
  {
    name: 'animated webp',
    make: () => animated('webp', 3),
    contentType: 'image/webp',
    media: { format: 'webp', width: 64, height: 48 },
    sent: { format: 'webp', width: 64, height: 48, from: 'webp (animated)' },
  },
];

describe.each(KINDS)('$name', (kind) => {
  let bytes: Buffer;

  beforeAll(async () => {
    bytes = await kind.make();
  });

  it('is sent converted through the blob trigger, and the document says from what', async () => {
    const document = await viaBlob(`kinds/${kind.name}.bin`, bytes);
    expect(document.media).toMatchObject({ kind: 'image', ...kind.media });
    expect(document.sent).toEqual({
      mimeType: `image/${kind.sent.format}`,
      format: kind.sent.format,
      bytes: expect.any(Number) as number,
      width: kind.sent.width,
      height: kind.sent.height,
      downscaled: false,
      converted: true,
      from: kind.sent.from,
    });
    // The emulator read the bytes with libvips: an accepted still, upright (no orientation left), in sRGB.
    const received = lastReceived();
    expect(received).toMatchObject({
      mimeType: `image/${kind.sent.format}`,
      bytes: document.sent.bytes,
      width: kind.sent.width,
      height: kind.sent.height,
      space: 'srgb',
    });
    expect(received?.orientation).toBeUndefined();
    expect(received?.sha256).not.toBe(shortHash(bytes));
  });

  it('is sent converted through POST /api/completions', async () => {
    const body = await viaHttp(bytes, kind.contentType);
    expect(body.media).toEqual([
      expect.objectContaining({ kind: 'image', source: 'raw', mimeType: `image/${kind.media.format}` }),
    ]);
    expect(lastReceived()).toMatchObject({
      mimeType: `image/${kind.sent.format}`,
      width: kind.sent.width,
      height: kind.sent.height,
    });
  });
});

describe('sizes and images already accepted', () => {
  it('sends a 108-megapixel photo scaled down instead of refusing it', async () => {
    const photo = await sharp({ create: { width: 12000, height: 9000, channels: 3, background: 'gray' } })
      .jpeg()
      .toBuffer();
    const document = await viaBlob('big/108mp.jpg', photo);
    expect(document.media).toMatchObject({ format: 'jpeg', width: 12000, height: 9000 });
    expect(document.sent).toMatchObject({ format: 'jpeg', width: 1024, height: 768, downscaled: true });
  });

  it('sends an image the service accepts as it is, byte for byte', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: 'teal' } })
      .png()
      .toBuffer();
    const document = await viaBlob('as-is/small.png', png);
    expect(document.sent).toEqual({
      mimeType: 'image/png',
      format: 'png',
      bytes: png.length,
      width: 40,
      height: 30,
      downscaled: false,
      converted: false,
    });
    expect(lastReceived()?.sha256).toBe(shortHash(png));
  });
});
