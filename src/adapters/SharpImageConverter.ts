import pLimit, { type Limit } from 'p-limit';
import type SharpModule from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { MediaCompletionsError, isMediaCompletionsError } from '../core/errors/MediaCompletionsError';
import type { ImageFormat, ImageInfo, SendableImageFormat } from '../core/media/MediaInfo';
import type { ImageSize } from '../core/media/planDownscale';
import type { ImageConvertOptions, ImageConverter, ImageProbe } from '../core/ports/ImageConverter';

/** Visually lossless for a model that looks at the picture; well below the original's size for photos. */
const JPEG_QUALITY = 85;
const WEBP_QUALITY = 85;
const MiB = 1024 * 1024;
/**
 * Above this, even an image that streams row by row takes minutes of CPU for a picture the model sees at 2048
 * pixels a side: refused whatever the memory budget. Declared sizes this large are mostly decompression bombs.
 */
export const MAX_DECODE_PIXELS = 1_000_000_000;

export interface SharpImageConverterOptions {
  /** The most bytes decoding may hold at once (`MEDIA_DECODE_MEMORY_MB`). */
  memoryBytes: number;
  /** The most decodes at once (`MEDIA_DECODE_CONCURRENCY`). */
  concurrency: number;
}

let loaded: Promise<typeof SharpModule> | undefined;

/** sharp loads libvips (tens of ms): only when the first image needs it, not at cold start. */
function loadSharp(): Promise<typeof SharpModule> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    // The operation cache helps repeated operations on one file; we never repeat one, so it only holds memory.
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

/**
 * The ImageConverter port on sharp (libvips) for what libvips decodes (JPEG, PNG, GIF, WEBP, AVIF, TIFF), with
 * `heic-decode` (libheif in WebAssembly, loaded on the first HEIC) and `bmp-ts` for the two formats sharp's
 * prebuilt libvips does not read.
 *
 * Memory: each decode's need is estimated from the headers (pixels × bytes per pixel of what the decoder must hold:
 * JPEG and WEBP shrink on load, a non-interlaced PNG streams row by row, a GIF frame, an interlaced PNG, the
 * coefficients of a progressive JPEG, HEIC, AVIF, TIFF and BMP are held whole). A quarter of the budget is shared
 * by up to `concurrency` small decodes (each at most a quarter of the budget divided by `concurrency`); the rest
 * holds one larger decode at a time. A decode needing more than that is refused with `media_too_large_pixels`.
 */
export class SharpImageConverter implements ImageConverter {
  private readonly smallMax: number;
  private readonly largeMax: number;
  private readonly small: Limit;
  private readonly large: Limit;

  constructor(options: SharpImageConverterOptions) {
    if (!(options.memoryBytes > 0 && Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
      throw new RangeError('memoryBytes must be positive and concurrency a positive integer.');
    }
    this.smallMax = options.memoryBytes / 4 / options.concurrency;
    this.largeMax = options.memoryBytes - this.smallMax * options.concurrency;
    this.small = pLimit(options.concurrency);
    this.large = pLimit(1);
  }

  async probe(bytes: Uint8Array, info: ImageInfo): Promise<ImageProbe> {
    checkCeiling(info);
    const still = { orientation: 1, frames: 1, space: 'srgb' };
    // BMP has no orientation or animation and the header reader's size is the whole story.
    if (info.format === 'bmp') return { width: info.width, height: info.height, ...still };
    if (info.format === 'heic') return { ...(await heicSize(bytes)), ...still };
    const meta = await readMetadata(bytes, info.format);
    const orientation = meta.orientation ?? 1;
    return {
      width: meta.autoOrient.width,
      height: meta.autoOrient.height,
      orientation,
      frames: info.format === 'gif' || info.format === 'webp' ? (meta.pages ?? 1) : 1,
      space: meta.space,
    };
  }

  async convert(bytes: Uint8Array, info: ImageInfo, options: ImageConvertOptions): Promise<Uint8Array> {
    checkCeiling(info);
    const meta =
      info.format === 'heic' || info.format === 'bmp' ? undefined : await readMetadata(bytes, info.format);
    const need = decodeBytes(info, meta, options.size);
    if (need > this.largeMax) throw tooLarge(info, need, this.largeMax);
    const lane = need <= this.smallMax ? this.small : this.large;
    return lane(async () => {
      try {
        const image = await decode(bytes, info.format, meta);
        const sized =
          options.size === undefined
            ? image
            : image.resize(options.size.width, options.size.height, { fit: 'fill' });
        return new Uint8Array(await encode(sized, options.to, info.format).toBuffer());
      } catch (error) {
        if (isMediaCompletionsError(error)) throw error;
        throw undecodable(info.format, error);
      }
    });
  }
}

/** Checked on the header readers' size, before libvips reads anything. */
function checkCeiling(info: ImageInfo): void {
  if (info.width * info.height > MAX_DECODE_PIXELS) {
    throw new MediaCompletionsError(
      'media_too_large_pixels',
      `${info.format.toUpperCase()} declares ${info.width}x${info.height} pixels, more than the limit of ` +
        `${MAX_DECODE_PIXELS} pixels.`,
      { retryable: false },
    );
  }
}

async function readMetadata(bytes: Uint8Array, format: ImageFormat): Promise<Metadata> {
  const sharp = await loadSharp();
  try {
    // The pixel ceiling and the decode budget are ours (checked from the headers); sharp's own default limit
    // (268 MP) would otherwise report a valid 300 MP image as undecodable instead of naming our limit.
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw undecodable(format, error);
  }
}

async function heicSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { default: decodeHeic } = await import('heic-decode');
  let images: Awaited<ReturnType<typeof decodeHeic.all>> | undefined;
  try {
    images = await decodeHeic.all({ buffer: bytes });
  } catch (error) {
    throw undecodable('heic', error);
  }
  // heic-decode gives each image's size before decoding it (its type declarations leave the fields out); libheif
  // reports it after the file's own rotation (irot), i.e. upright.
  const first: object | undefined = images[0];
  const width: unknown = first === undefined ? undefined : Reflect.get(first, 'width');
  const height: unknown = first === undefined ? undefined : Reflect.get(first, 'height');
  const size = typeof width === 'number' && typeof height === 'number' ? { width, height } : undefined;
  disposeAll(images);
  if (size === undefined) throw undecodable('heic', new Error('no image in the file'));
  return size;
}

function disposeAll(images: object): void {
  const dispose: unknown = Reflect.get(images, 'dispose');
  if (typeof dispose === 'function') dispose.call(images);
}

/** The image's first frame, upright, ready to scale and encode. */
async function decode(bytes: Uint8Array, format: ImageFormat, meta: Metadata | undefined): Promise<Sharp> {
  const sharp = await loadSharp();
  if (format === 'heic') {
    const { default: decodeHeic } = await import('heic-decode');
    const { width, height, data } = await decodeHeic({ buffer: bytes });
    return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      raw: { width, height, channels: 4 },
      limitInputPixels: false,
    }).removeAlpha();
  }
  if (format === 'bmp') {
    const { decode: decodeBmp } = await import('bmp-ts');
    const bmp = decodeBmp(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { toRGBA: true });
    const image = sharp(bmp.data, {
      raw: { width: bmp.width, height: bmp.height, channels: 4 },
      limitInputPixels: false,
    });
    // Below 32 bits per pixel a BMP has no alpha; the decoder fills the channel anyway.
    return bmp.bitPP === 32 ? image : image.removeAlpha();
  }
  // Sequential access lets libvips stream formats that allow it (baseline JPEG, non-interlaced PNG) row by row;
  // only the first page of an animation is decoded.
  const image = sharp(bytes, {
    failOn: 'error',
    limitInputPixels: false,
    sequentialRead: true,
    autoOrient: true,
    pages: 1,
  });
  return meta?.space === 'cmyk' ? image.toColourspace('srgb') : image;
}

function encode(image: Sharp, to: SendableImageFormat, from: ImageFormat): Sharp {
  switch (to) {
    case 'jpeg':
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: JPEG_QUALITY });
    case 'webp':
      return image.webp({ quality: WEBP_QUALITY });
    case 'gif':
    case 'png':
      // A GIF has at most 256 colours: a palette PNG stays as small; truecolour would often outgrow the GIF.
      // Effort 1 quantizes ten times faster than the default, for a few percent more bytes.
      return from === 'gif' ? image.png({ palette: true, effort: 1 }) : image.png();
  }
}

/**
 * Bytes the decoder holds for this image, from its headers: pixels × bytes per pixel of what must be in memory at
 * once, plus the scaled copy.
 */
function decodeBytes(info: ImageInfo, meta: Metadata | undefined, size: ImageSize | undefined): number {
  const width = meta?.width ?? info.width;
  const height = meta?.height ?? info.height;
  const pixels = width * height;
  const bands = meta?.channels ?? 4;
  const whole = pixels * bands * bytesPerSample(meta?.depth);
  const out = size === undefined ? pixels * 4 : size.width * size.height * 4;
  const rotated = (meta?.orientation ?? 1) >= 5;
  switch (info.format) {
    case 'jpeg':
      // libjpeg keeps every DCT coefficient (2 bytes) of a progressive file; chroma is subsampled in most.
      if (meta?.isProgressive === true) {
        return pixels * 2 * (meta.chromaSubsampling === '4:2:0' ? 1.5 : bands) + out;
      }
      return whole / shrinkOnLoad(width, height, size) ** 2 + out;
    case 'webp':
      return (meta?.pages ?? 1) > 1
        ? pixels * 4 + out
        : (pixels * 4) / shrinkOnLoad(width, height, size) ** 2 + out;
    case 'png':
      // Interlaced rows arrive in seven passes, and a quarter turn needs every row: both hold the whole image.
      return meta?.isProgressive === true || rotated ? whole + out : width * bands * 2 * 256 + out;
    case 'gif':
      // The decoder composites each frame onto a whole RGBA canvas.
      return pixels * 4 + out;
    case 'heic':
    case 'avif':
    case 'bmp':
      // Decoded whole as RGBA, then copied into libvips.
      return pixels * 4 * 2 + out;
    case 'tiff':
      return whole + out;
  }
}

/** The power-of-two factor libjpeg and libwebp decode at when the target is that much smaller (1 to 8). */
function shrinkOnLoad(width: number, height: number, size: ImageSize | undefined): number {
  if (size === undefined) return 1;
  const factor = Math.min(width / size.width, height / size.height);
  return factor >= 8 ? 8 : factor >= 4 ? 4 : factor >= 2 ? 2 : 1;
}

function bytesPerSample(depth: string | undefined): number {
  switch (depth) {
    case 'ushort':
    case 'short':
      return 2;
    case 'uint':
    case 'int':
    case 'float':
      return 4;
    case 'double':
    case 'complex':
      return 8;
    default:
      return 1;
  }
}

function tooLarge(info: ImageInfo, need: number, limit: number): MediaCompletionsError {
  const perPixel = need / (info.width * info.height);
  const maxMegapixels = Math.floor(limit / perPixel / 1e6);
  return new MediaCompletionsError(
    'media_too_large_pixels',
    `${info.format.toUpperCase()} of ${info.width}x${info.height} pixels needs about ${Math.ceil(need / MiB)} MiB ` +
      `to decode, more than the ${Math.floor(limit / MiB)} MiB one image may use under MEDIA_DECODE_MEMORY_MB ` +
      `(about ${maxMegapixels} megapixels for this kind of ${info.format.toUpperCase()}).`,
    { retryable: false },
  );
}

function undecodable(format: ImageFormat, cause: unknown): MediaCompletionsError {
  return new MediaCompletionsError(
    'invalid_media',
    `The ${format.toUpperCase()} image could not be decoded.`,
    { retryable: false, cause },
  );
}
