import type { MediaItem } from '../completion/buildChatRequest';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { ImageConverter, ImageProbe } from '../ports/ImageConverter';
import type { ImageDetail } from '../completion/ImageDetail';
import type { SentMedia } from '../completion/SentMedia';
import { inspectMedia } from './inspectMedia';
import type { ImageFormat, ImageInfo, SendableImageFormat } from './MediaInfo';
import { planDownscale, type ImageSize } from './planDownscale';

/** `MEDIA_ANIMATED_IMAGES`: send an animation's first frame as a still, or refuse it. */
export type AnimatedImagePolicy = 'first-frame' | 'reject';

export interface PrepareImageOptions {
  /** Absent: only images the service accepts as they are can be sent; the others are refused. */
  images: ImageConverter | undefined;
  /** `MEDIA_DOWNSCALE`: scale to what the model uses (see planDownscale). */
  downscale: boolean;
  detail: ImageDetail;
  animated: AnimatedImagePolicy;
}

/**
 * The most pixels sent when not downscaling to the model's size: a photo above it (108 MP phones exist) is scaled
 * to fit, not refused. Far above what the model uses, which fits images within 2048×2048.
 */
export const MAX_SENT_PIXELS = 100_000_000;

const SENDABLE: ReadonlySet<ImageFormat> = new Set<SendableImageFormat>(['png', 'jpeg', 'gif', 'webp']);

/**
 * Makes an image into one the service accepts and the model uses in full: another format (HEIC, AVIF, TIFF, BMP)
 * becomes JPEG or PNG, an animation its first frame, CMYK sRGB, an EXIF-rotated photo upright, and a large image
 * is scaled down. An image that needs none of this is sent byte for byte.
 *
 * Returns the item to send, what was stored (upright size) and what was sent (`converted` and `from` say why the
 * bytes differ).
 *
 * @throws MediaCompletionsError `unsupported_media_type` (an animation under `reject`, or a format to convert with
 *   no converter), or the converter's `media_too_large_pixels` / `invalid_media`.
 */
export async function prepareImageForModel(
  item: { bytes: Uint8Array; info: ImageInfo },
  options: PrepareImageOptions,
): Promise<{ item: MediaItem; media: ImageInfo; sent: SentMedia }> {
  const { info } = item;
  const { images } = options;
  if (images === undefined) {
    if (!SENDABLE.has(info.format)) throw noConverter(info.format);
    return { item, media: info, sent: untouched(item.bytes, info) };
  }
  const probe = await images.probe(item.bytes, info);
  const media: ImageInfo = { ...info, width: probe.width, height: probe.height };
  const reasons = conversionReasons(info.format, probe, options.animated);
  const overCap = probe.width * probe.height > MAX_SENT_PIXELS;
  const mustConvert = !SENDABLE.has(info.format) || reasons.length > 0 || overCap;
  const size = targetSize(probe, options);
  if (!mustConvert && size === undefined) {
    return { item, media, sent: untouched(item.bytes, media) };
  }
  const bytes = await images.convert(item.bytes, info, { to: targetFormat(info.format), size });
  // Only scaled, and no smaller for it: the original is what the model would see anyway.
  if (!mustConvert && bytes.length >= item.bytes.length) {
    return { item, media, sent: untouched(item.bytes, media) };
  }
  const sentInfo = inspectMedia(bytes);
  if (sentInfo.kind !== 'image' || !SENDABLE.has(sentInfo.format)) {
    throw new TypeError('The image converter returned something other than an image the service accepts.');
  }
  const sent: SentMedia = {
    mimeType: sentInfo.mimeType,
    format: sentInfo.format,
    bytes: bytes.length,
    width: sentInfo.width,
    height: sentInfo.height,
    downscaled: size !== undefined,
    converted: true,
  };
  if (!SENDABLE.has(info.format) || reasons.length > 0) {
    sent.from = reasons.length === 0 ? info.format : `${info.format} (${reasons.join(', ')})`;
  }
  return { item: { bytes, info: sentInfo }, media, sent };
}

/** What, besides its format, keeps an image from being sent as it is (empty: nothing). */
function conversionReasons(format: ImageFormat, probe: ImageProbe, animated: AnimatedImagePolicy): string[] {
  const reasons: string[] = [];
  if (probe.frames > 1) {
    if (animated === 'reject') {
      throw new MediaCompletionsError(
        'unsupported_media_type',
        `Animated ${format.toUpperCase()} (${probe.frames} frames) is not accepted: the model takes only still ` +
          'images. Set MEDIA_ANIMATED_IMAGES=first-frame to send its first frame.',
        { retryable: false },
      );
    }
    reasons.push('animated');
  }
  if (probe.space === 'cmyk') reasons.push('cmyk');
  if (probe.orientation !== 1) reasons.push(`exif orientation ${probe.orientation}`);
  return reasons;
}

function targetSize(probe: ImageProbe, options: PrepareImageOptions): ImageSize | undefined {
  const planned = options.downscale ? planDownscale(probe.width, probe.height, options.detail) : undefined;
  if (planned !== undefined) return planned;
  const pixels = probe.width * probe.height;
  if (pixels <= MAX_SENT_PIXELS) return undefined;
  const scale = Math.sqrt(MAX_SENT_PIXELS / pixels);
  return {
    width: Math.max(1, Math.floor(probe.width * scale)),
    height: Math.max(1, Math.floor(probe.height * scale)),
  };
}

/**
 * Photographic sources become JPEG, lossless ones PNG; an accepted format keeps its format, except GIF, whose
 * first frame or scaled copy is a palette PNG (as small, and a still by construction).
 */
function targetFormat(format: ImageFormat): SendableImageFormat {
  switch (format) {
    case 'jpeg':
    case 'heic':
    case 'avif':
      return 'jpeg';
    case 'webp':
      return 'webp';
    case 'png':
    case 'gif':
    case 'tiff':
    case 'bmp':
      return 'png';
  }
}

function untouched(bytes: Uint8Array, info: ImageInfo): SentMedia {
  return {
    mimeType: info.mimeType,
    format: info.format,
    bytes: bytes.length,
    width: info.width,
    height: info.height,
    downscaled: false,
    converted: false,
  };
}

function noConverter(format: ImageFormat): MediaCompletionsError {
  return new MediaCompletionsError(
    'unsupported_media_type',
    `${format.toUpperCase()} images must be converted before sending, and no image converter is configured.`,
    { retryable: false },
  );
}
