/** What the bytes of a media file are, read from their headers (never from a name or a declared type). */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'heic' | 'avif' | 'tiff' | 'bmp';
export type AudioFormat = 'wav' | 'mp3' | 'm4a' | 'ogg' | 'flac' | 'webm' | 'amr';

/** The image formats the service accepts as they are (the others are converted before sending). */
export type SendableImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ImageInfo {
  kind: 'image';
  format: ImageFormat;
  mimeType: `image/${ImageFormat}`;
  /** Upright pixels: EXIF orientations 5-8 swap the stored width and height. */
  width: number;
  height: number;
}

export interface AudioInfo {
  kind: 'audio';
  format: AudioFormat;
  mimeType: string;
  /** The codec inside the container when it is not implied by the format, e.g. `aac`, `opus`, `mu-law`. */
  codec?: string;
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  /** Average bits per second of the encoded stream, when the header states or implies it. */
  bitrate?: number;
}

export type MediaInfo = ImageInfo | AudioInfo;
