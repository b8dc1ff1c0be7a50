import sharp, { type Metadata } from 'sharp';
import type { ImageInfo } from '../core/media/MediaInfo';
import { ServiceResponseError } from './ServiceResponseError';

/** The image formats the service takes, as libvips names them. */
const ACCEPTED = new Set(['png', 'jpeg', 'gif', 'webp'] as const);
type Accepted = typeof ACCEPTED extends Set<infer T> ? T : never;

export interface ReceivedImage {
  info: ImageInfo;
  /** EXIF orientation; absent when the image has none. */
  orientation?: number;
  /** Colour space as libvips names it, e.g. `srgb`, `b-w`, `cmyk`. */
  space: string;
}

/**
 * Validates received image bytes the way the service does, with libvips (sharp's metadata) rather than the
 * product's own header readers, so that a detection bug in the product fails a test instead of being agreed
 * with. Refuses what the service refuses: bytes libvips cannot read, formats other than PNG, JPEG, GIF and WEBP,
 * and animations (the service takes still images only).
 *
 * @throws ServiceResponseError 400 with `invalid_media` or `unsupported_media_type`.
 */
export async function inspectReceivedImage(bytes: Buffer, param: string): Promise<ReceivedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    throw ServiceResponseError.badRequest(
      `${param}: the image data could not be read as an image.`,
      param,
      bytes.length === 0 ? 'empty_blob' : looksLikeImage(bytes) ? 'invalid_media' : 'unsupported_media_type',
    );
  }
  const format = meta.format as string;
  if (!isAccepted(format)) {
    throw ServiceResponseError.badRequest(
      `${param}: ${format} images are not supported; use png, jpeg, gif or webp.`,
      param,
      'unsupported_media_type',
    );
  }
  if ((meta.pages ?? 1) > 1) {
    throw ServiceResponseError.badRequest(
      `${param}: animated ${format} (${meta.pages ?? 0} frames) is not supported; send a still image.`,
      param,
      'unsupported_media_type',
    );
  }
  return {
    info: { kind: 'image', format, mimeType: `image/${format}`, width: meta.width, height: meta.height },
    ...(meta.orientation === undefined ? {} : { orientation: meta.orientation }),
    space: meta.space,
  };
}

function isAccepted(format: string): format is Accepted {
  return (ACCEPTED as ReadonlySet<string>).has(format);
}

/** A known image signature with broken contents, as opposed to something that is not an image at all. */
function looksLikeImage(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 12).toString('latin1');
  return (
    head.startsWith('\x89PNG') ||
    head.startsWith('\xff\xd8\xff') ||
    head.startsWith('GIF8') ||
    (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP')
  );
}
