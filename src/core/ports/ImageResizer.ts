import type { ImageFormat } from '../media/MediaInfo';

/**
 * Scales images down before they are encoded into a request (an adapter on an image library; the core only
 * decides the size).
 */
export interface ImageResizer {
  /**
   * Returns the image at exactly `width`×`height` (stored orientation, as the header reads), with its EXIF
   * orientation applied and no metadata kept. PNG, JPEG and WEBP keep their format; GIF becomes PNG.
   */
  resize(
    bytes: Uint8Array,
    format: ImageFormat,
    size: { width: number; height: number },
  ): Promise<Uint8Array>;
}
