import sharp from 'sharp';
import { SharpImageConverter } from '../../src/adapters/SharpImageConverter';
import { isMediaCompletionsError } from '../../src/core/errors/MediaCompletionsError';
import { inspectMedia } from '../../src/core/media/inspectMedia';
import type { ImageInfo } from '../../src/core/media/MediaInfo';
import {
  animated,
  bmp,
  cmykJpeg,
  encodeOther,
  halves,
  heic,
  orientedJpeg,
  pixel,
  RED,
} from '../fixtures/imageKinds';

const MiB = 1024 * 1024;
const converter = new SharpImageConverter({ memoryBytes: 1536 * MiB, concurrency: 4 });

function imageInfo(bytes: Uint8Array): ImageInfo {
  const info = inspectMedia(bytes);
  if (info.kind !== 'image') throw new Error('expected an image');
  return info;
}

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; retryable: boolean }> {
  const error: unknown = await promise.catch((caught: unknown) => caught);
  if (!isMediaCompletionsError(error))
    throw new Error(`expected a MediaCompletionsError, got ${String(error)}`);
  return error;
}

// Loose: a CMYK round trip and lossy codecs move the colours, never the halves.
const isRed = ([r = 0, , b = 255]: number[]) => r > 150 && r - b > 100;
const isBlue = ([r = 255, , b = 0]: number[]) => b > 100 && b - r > 60;

describe('SharpImageConverter', () => {
  it.each([
    ['png', 'png'],
    ['jpeg', 'jpeg'],
    ['webp', 'webp'],
    ['gif', 'png'],
  ] as const)('scales a %s to the exact size and encodes it as %s', async (format, to) => {
    const input = await (await halves(1600, 1200)).toFormat(format).toBuffer();
    const output = await converter.convert(input, imageInfo(input), {
      to,
      size: { width: 1024, height: 768 },
    });
    expect(inspectMedia(output)).toMatchObject({ kind: 'image', format: to, width: 1024, height: 768 });
    expect(isRed(await pixel(output, 100, 384))).toBe(true);
    expect(isBlue(await pixel(output, 900, 384))).toBe(true);
  });

  it('keeps a PNG lossless: every pixel of the scaled picture survives', async () => {
    const input = await (await halves(1600, 1200)).png().toBuffer();
    const output = await converter.convert(input, imageInfo(input), {
      to: 'png',
      size: { width: 1024, height: 768 },
    });
    // The composited source carries an opaque alpha channel: compare colours only.
    const expected = await sharp(input).resize(1024, 768, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const actual = await sharp(output).removeAlpha().raw().toBuffer();
    expect(actual.equals(expected)).toBe(true);
  });

  it('probes the upright size of an EXIF-rotated photo and turns it upright, with or without scaling', async () => {
    // Stored 400×300 with orientation 6: shown turned 90° clockwise, so the stored left (red) is on top.
    const input = await orientedJpeg(400, 300, 6);
    const info = imageInfo(input);
    expect(info).toMatchObject({ width: 400, height: 300 });
    expect(await converter.probe(input, info)).toEqual({
      width: 300,
      height: 400,
      orientation: 6,
      frames: 1,
      space: 'srgb',
    });
    for (const size of [undefined, { width: 150, height: 200 }]) {
      const output = await converter.convert(input, info, { to: 'jpeg', ...(size && { size }) });
      const { width, height, orientation } = await sharp(output).metadata();
      expect({ width, height, orientation }).toEqual({
        width: size?.width ?? 300,
        height: size?.height ?? 400,
        orientation: undefined,
      });
      expect(isRed(await pixel(output, (size?.width ?? 300) / 2, 10))).toBe(true);
      expect(isBlue(await pixel(output, (size?.width ?? 300) / 2, (size?.height ?? 400) - 10))).toBe(true);
    }
  });

  it('turns a CMYK JPEG into an sRGB JPEG with three components', async () => {
    const input = await cmykJpeg(300, 200);
    const info = imageInfo(input);
    expect(await converter.probe(input, info)).toMatchObject({ space: 'cmyk', width: 300, height: 200 });
    const output = await converter.convert(input, info, { to: 'jpeg' });
    expect(await sharp(output).metadata()).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3 });
    expect(isRed(await pixel(output, 20, 100))).toBe(true);
    expect(isBlue(await pixel(output, 280, 100))).toBe(true);
  });

  it.each(['gif', 'webp'] as const)(
    'counts every frame of an animated %s and keeps only the first',
    async (format) => {
      const input = await animated(format, 25);
      const info = imageInfo(input);
      expect(await converter.probe(input, info)).toMatchObject({ frames: 25, width: 64, height: 48 });
      const output = await converter.convert(input, info, { to: format === 'gif' ? 'png' : 'webp' });
      const meta = await sharp(output).metadata();
      expect(meta.pages ?? 1).toBe(1);
      expect({ width: meta.width, height: meta.height }).toEqual({ width: 64, height: 48 });
      expect(isRed(await pixel(output, 32, 24))).toBe(true);
    },
  );

  it.each([
    ['heic', 'jpeg', () => Promise.resolve(heic())],
    ['avif', 'jpeg', () => encodeOther('avif', 320, 240)],
    ['tiff', 'png', () => encodeOther('tiff', 320, 240)],
    ['bmp', 'png', () => bmp(320, 240)],
  ] as const)('decodes %s and encodes it as %s', async (format, to, make) => {
    const input = await make();
    const info = imageInfo(input);
    expect(info).toMatchObject({ format, width: 320, height: 240 });
    expect(await converter.probe(input, info)).toMatchObject({ width: 320, height: 240, frames: 1 });
    const output = await converter.convert(input, info, { to });
    expect(inspectMedia(output)).toMatchObject({ format: to, width: 320, height: 240 });
    expect(isRed(await pixel(output, 40, 120))).toBe(true);
    expect(isBlue(await pixel(output, 280, 120))).toBe(true);
  });

  it('refuses a decode over the memory budget, naming the limit, and takes what fits one at a time', async () => {
    // A GIF frame is decoded whole: 2000×2000 RGBA is about 15 MiB.
    const input = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: RED } })
      .gif()
      .toBuffer();
    const small = new SharpImageConverter({ memoryBytes: 16 * MiB, concurrency: 1 });
    const error = await errorOf(
      small.convert(input, imageInfo(input), { to: 'png', size: { width: 512, height: 512 } }),
    );
    expect(error.code).toBe('media_too_large_pixels');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /GIF of 2000x2000 pixels needs about \d+ MiB .* 12 MiB .*MEDIA_DECODE_MEMORY_MB/,
    );
    const enough = new SharpImageConverter({ memoryBytes: 64 * MiB, concurrency: 1 });
    const outputs = await Promise.all(
      [1, 2, 3].map(() =>
        enough.convert(input, imageInfo(input), { to: 'png', size: { width: 512, height: 512 } }),
      ),
    );
    for (const output of outputs) expect(inspectMedia(output)).toMatchObject({ width: 512, height: 512 });
  });

  it('refuses a declared size above the decode ceiling before decoding', async () => {
    const png = await (await halves(10, 10)).png().toBuffer();
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    const error = await errorOf(
      converter.convert(bomb, imageInfo(bomb), { to: 'png', size: { width: 10, height: 10 } }),
    );
    expect(error.code).toBe('media_too_large_pixels');
    expect(error.message).toMatch(/100000x100000 pixels, more than the limit of 1000000000/);
  });

  it('reports undecodable pixel data as permanent invalid_media', async () => {
    const input = await (await halves(800, 600)).png().toBuffer();
    const corrupt = Buffer.concat([input.subarray(0, 40), Buffer.alloc(2000, 7)]);
    const error = await errorOf(
      converter.convert(corrupt, imageInfo(corrupt), { to: 'png', size: { width: 400, height: 300 } }),
    );
    expect(error).toMatchObject({ code: 'invalid_media', retryable: false });
  });
});
