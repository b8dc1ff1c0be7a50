import type { ImageInfo, SendableImageFormat } from '../media/MediaInfo';
import type { ImageSize } from '../media/planDownscale';

/** What an image decoder reads from an image's headers, without decoding its pixels. */
export interface ImageProbe {
  /** Upright pixels: EXIF orientations 5-8 swap the stored width and height. */
  width: number;
  height: number;
  /** EXIF orientation, 1 (as stored) to 8; 1 when the file has none. */
  orientation: number;
  /** Frames of an animation (GIF, WEBP); 1 for a still. */
  frames: number;
  /** Colour space as the decoder names it, e.g. `srgb`, `b-w`, `cmyk`. */
  space: string;
}

export interface ImageConvertOptions {
  /** Format to encode. */
  to: SendableImageFormat;
  /** Upright size to scale to; absent: keep the size. */
  size?: ImageSize;
}

/**
 * Turns an image into one the service accepts (an adapter on an image library; the core decides when and to
 * what). Decoding is bounded by a memory budget and a number of concurrent decodes the adapter is built with.
 */
export interface ImageConverter {
  /**
   * Reads the image's headers. `info` is what the header readers found (format, stored size).
   *
   * @throws MediaCompletionsError `invalid_media` when the decoder cannot read them.
   */
  probe(bytes: Uint8Array, info: ImageInfo): Promise<ImageProbe>;
  /**
   * The first frame, upright (EXIF orientation applied), in sRGB, scaled to `size` when given, encoded as `to`,
   * with no metadata kept.
   *
   * @throws MediaCompletionsError `media_too_large_pixels` when decoding would need more memory than the budget
   *   allows (the message names the limit); `invalid_media` when the image cannot be decoded.
   */
  convert(bytes: Uint8Array, info: ImageInfo, options: ImageConvertOptions): Promise<Uint8Array>;
}
