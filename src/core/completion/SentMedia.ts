/**
 * What the model got for one media item, after any conversion or downscaling (the `sent` block of a result
 * document). `media` (MediaInfo) says what was stored; this says what was sent.
 */
export interface SentMedia {
  /** As sent, e.g. `image/jpeg`, `audio/wav`. */
  mimeType: string;
  /** As sent: `png | jpeg | gif | webp | wav | mp3`. */
  format: string;
  /** Bytes sent (before base64). */
  bytes: number;
  /** Images: upright pixels as sent; `null` for audio. */
  width: number | null;
  height: number | null;
  /** Audio, in Hz, as sent. */
  sampleRate?: number;
  /** Audio, as sent. */
  channels?: number;
  /** True when the image was scaled down before sending. */
  downscaled: boolean;
  /** True whenever the bytes sent differ from the stored bytes (conversion, orientation, downscaling). */
  converted: boolean;
  /**
   * When converted: the source's form, e.g. `heic`, `jpeg (cmyk)`, `gif (animated)`, `jpeg (exif orientation 6)`,
   * `wav (mu-law)`, `m4a (aac)`.
   */
  from?: string;
}
