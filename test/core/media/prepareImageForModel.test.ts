import sharp from 'sharp';
import { isMediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import type { ImageInfo } from '../../../src/core/media/MediaInfo';
import {
  MAX_SENT_PIXELS,
  prepareImageForModel,
  type PrepareImageOptions,
} from '../../../src/core/media/prepareImageForModel';
import type { ImageConvertOptions, ImageConverter, ImageProbe } from '../../../src/core/ports/ImageConverter';

/**
 * A converter that reports a given probe and records what it was asked for, answering with an image of the size
 * asked for (or, above a megapixel, a small stand-in: encoding 100 MP here would only cost time).
 */
function converter(probe: Partial<ImageProbe> & { width: number; height: number }) {
  const calls: ImageConvertOptions[] = [];
  const images: ImageConverter = {
    probe: () => Promise.resolve({ orientation: 1, frames: 1, space: 'srgb', ...probe }),
    convert: async (_bytes, _info, options) => {
      calls.push(options);
      const asked = options.size ?? { width: probe.width, height: probe.height };
      const size = asked.width * asked.height > 1e6 ? { width: 8, height: 6 } : asked;
      return sharp({ create: { ...size, channels: 3, background: 'red' } })
        .toFormat(options.to)
        .toBuffer();
    },
  };
  return { images, calls };
}

const stored = (format: ImageInfo['format'], width: number, height: number): ImageInfo => ({
  kind: 'image',
  format,
  mimeType: `image/${format}`,
  width,
  height,
});

const options = (images: ImageConverter | undefined, overrides: Partial<PrepareImageOptions> = {}) => ({
  images,
  downscale: true,
  detail: 'auto' as const,
  animated: 'first-frame' as const,
  ...overrides,
});

describe('prepareImageForModel', () => {
  it('without MEDIA_DOWNSCALE, scales a photo over the pixel cap to fit it rather than refusing it', async () => {
    const { images, calls } = converter({ width: 12000, height: 9000 });
    const bytes = new Uint8Array(10);
    const { sent, media } = await prepareImageForModel(
      { bytes, info: stored('jpeg', 12000, 9000) },
      options(images, { downscale: false }),
    );
    expect(media).toMatchObject({ width: 12000, height: 9000 });
    const [call] = calls;
    expect(call?.to).toBe('jpeg');
    const size = call?.size ?? { width: 0, height: 0 };
    expect(size.width * size.height).toBeLessThanOrEqual(MAX_SENT_PIXELS);
    expect(size.width / size.height).toBeCloseTo(12000 / 9000, 3);
    expect(sent).toMatchObject({ format: 'jpeg', downscaled: true, converted: true });
    expect(sent.from).toBeUndefined();
  });

  it('names every reason in `from`, and records the upright size as stored', async () => {
    const { images } = converter({ width: 300, height: 400, orientation: 6, space: 'cmyk' });
    const { sent, media } = await prepareImageForModel(
      { bytes: new Uint8Array(10), info: stored('jpeg', 400, 300) },
      options(images),
    );
    expect(media).toMatchObject({ width: 300, height: 400 });
    expect(sent).toMatchObject({ width: 300, height: 400, from: 'jpeg (cmyk, exif orientation 6)' });
  });

  it('with no converter, sends what the service accepts as it is and refuses the rest', async () => {
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    const { item, sent } = await prepareImageForModel(
      { bytes: png, info: stored('png', 4, 3) },
      options(undefined),
    );
    expect(item.bytes).toBe(png);
    expect(sent).toMatchObject({ converted: false, bytes: png.length });
    const error: unknown = await prepareImageForModel(
      { bytes: png, info: stored('heic', 4, 3) },
      options(undefined),
    ).catch((caught: unknown) => caught);
    expect(isMediaCompletionsError(error) && error.code).toBe('unsupported_media_type');
  });
});
