/** What was sent to the model for one media item, after any downscaling. */
export interface SentMedia {
  mimeType: string;
  bytes: number;
  /** `null` for audio. */
  width: number | null;
  height: number | null;
  /** True when the image was scaled down (and re-encoded) before sending. */
  downscaled: boolean;
}
