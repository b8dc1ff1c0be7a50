/** A received media item as stats report it: metadata and a short hash, never the bytes or a full URL. */
export interface MediaSummary {
  kind: 'image' | 'audio';
  source: 'data' | 'url';
  mimeType?: string;
  bytes?: number;
  sha256?: string;
  width?: number;
  height?: number;
  /** Images: EXIF orientation, when present. */
  orientation?: number;
  /** Images: colour space (`srgb`, `b-w`, `cmyk`, ...). */
  space?: string;
  durationSeconds?: number;
  urlHost?: string;
}
