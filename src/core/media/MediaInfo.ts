/** What the bytes of a media file are, read from their headers (never from a name or a declared type). */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type AudioFormat = 'wav' | 'mp3';

export interface ImageInfo {
  kind: 'image';
  format: ImageFormat;
  mimeType: `image/${ImageFormat}`;
  width: number;
  height: number;
}

export interface AudioInfo {
  kind: 'audio';
  format: AudioFormat;
  mimeType: 'audio/wav' | 'audio/mpeg';
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  /** Average bits per second of the encoded stream, when the header states or implies it. */
  bitrate?: number;
}

export type MediaInfo = ImageInfo | AudioInfo;
