import type { MediaInfo } from '../core/media/MediaInfo';
import type { ImageDetail } from '../core/completion/ImageDetail';

/** What the emulator keeps about one media item of a request: metadata and a short hash, never the bytes. */
export interface ReceivedMedia {
  kind: 'image' | 'audio';
  /** `data`: inline bytes that were inspected; `url`: an https URL, recorded but not fetched. */
  source: 'data' | 'url';
  mimeType?: string;
  bytes?: number;
  /** First 8 hex digits of the SHA-256 of the decoded bytes. */
  sha256?: string;
  info?: MediaInfo;
  /** Images: EXIF orientation, when the image has one (a sent image should be upright, without it). */
  orientation?: number;
  /** Images: colour space as libvips names it (`srgb`, `b-w`, `cmyk`, ...). */
  space?: string;
  detail?: ImageDetail;
  /** Only the host of a URL: its path and query may hold a SAS token. */
  urlHost?: string;
}
