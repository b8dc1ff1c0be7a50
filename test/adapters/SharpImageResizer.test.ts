import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { SharpImageResizer } from '../../src/adapters/SharpImageResizer';
import { isMediaCompletionsError } from '../../src/core/errors';
import { inspectMedia } from '../../src/core/media/inspectMedia';

const resizer = new SharpImageResizer();

/** Left half red, right half blue: shows where the picture's left edge ended up. */
async function halves(width: number, height: number): Promise<Sharp> {
  const half = Math.floor(width / 2);
  const blue = await sharp({
    create: { width: width - half, height, channels: 3, background: { r: 0, g: 0, b: 255 } },
  })
    .png()
    .toBuffer();
  const image = await sharp({ create: { width, height, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .composite([{ input: blue, left: half, top: 0 }])
    .png()
    .toBuffer();
  return sharp(image);
}

async function pixel(bytes: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

describe('SharpImageResizer', () => {
  it.each([
    ['png', 'png'],
    ['jpeg', 'jpeg'],
    ['webp', 'webp'],
    ['gif', 'png'],
  ] as const)('scales a %s to the exact size and sends it as %s', async (format, sentFormat) => {
    const input = await (await halves(1600, 1200)).toFormat(format).toBuffer();
    const output = await resizer.resize(input, format, { width: 1024, height: 768 });
    expect(inspectMedia(output)).toMatchObject({
      kind: 'image',
      format: sentFormat,
      width: 1024,
      height: 768,
    });
    expect(await pixel(output, 100, 384)).toEqual([
      expect.closeTo(255, -1.5),
      expect.any(Number),
      expect.closeTo(0, -1.5),
    ]);
    expect(await pixel(output, 900, 384)).toEqual([
      expect.closeTo(0, -1.5),
      expect.any(Number),
      expect.closeTo(255, -1.5),
    ]);
  });

  it('keeps a PNG lossless: every pixel of the scaled picture survives', async () => {
    const input = await (await halves(1600, 1200)).png().toBuffer();
    const output = await resizer.resize(input, 'png', { width: 1024, height: 768 });
    // The composited source carries an opaque alpha channel: compare colours only.
    const expected = await sharp(input).resize(1024, 768, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const actual = await sharp(output).removeAlpha().raw().toBuffer();
    expect(actual.equals(expected)).toBe(true);
  });

  it('applies the EXIF orientation and drops it', async () => {
    // Stored 3000×1000 with orientation 6: shown turned 90° clockwise, so the stored left (red) is on top.
    const input = await (await halves(3000, 1000)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(inspectMedia(input)).toMatchObject({ width: 3000, height: 1000 });
    const output = await resizer.resize(input, 'jpeg', { width: 2048, height: 683 });
    expect(inspectMedia(output)).toMatchObject({ format: 'jpeg', width: 683, height: 2048 });
    expect((await sharp(output).metadata()).orientation).toBeUndefined();
    const [topRed, , topBlue] = await pixel(output, 341, 200);
    const [bottomRed, , bottomBlue] = await pixel(output, 341, 1800);
    expect(topRed).toBeGreaterThan(200);
    expect(topBlue).toBeLessThan(60);
    expect(bottomRed).toBeLessThan(60);
    expect(bottomBlue).toBeGreaterThan(200);
  });

  it('reports undecodable pixel data as permanent invalid_media', async () => {
    const input = await (await halves(800, 600)).png().toBuffer();
    const corrupt = Buffer.concat([input.subarray(0, 40), Buffer.alloc(2000, 7)]);
    const error: unknown = await resizer
      .resize(corrupt, 'png', { width: 400, height: 300 })
      .catch((e: unknown) => e);
    expect(isMediaCompletionsError(error) && error.code === 'invalid_media' && !error.retryable).toBe(true);
  });
});
