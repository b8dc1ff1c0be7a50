import { MediaCompletionsError } from '../errors';
import { ByteView } from './ByteView';
import { detectAudioContainer } from './detectAudioContainer';
import { describeUnknownBytes } from './describeUnknownBytes';
import type { ImageFormat, ImageInfo, MediaInfo } from './MediaInfo';
import { readGifSize } from './readGifSize';
import { readJpegSize } from './readJpegSize';
import { locateMp3Audio, readMp3Info } from './readMp3Info';
import { readPngSize } from './readPngSize';
import { readWavInfo } from './readWavInfo';
import { readWebpSize } from './readWebpSize';

export interface InspectMediaOptions {
  /**
   * Largest width × height accepted for an image. Default 100 megapixels: far above what the model uses (it
   * downscales to 2048×2048) yet below what decompression bombs declare. Larger images fail with
   * `media_too_large_pixels`.
   */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/**
 * Identifies an image or audio file from its magic bytes and reads its dimensions or duration from the header,
 * without decoding pixels or samples. Runs in time bounded by the buffer length on any input.
 *
 * @throws MediaCompletionsError `empty_blob`, `invalid_media`, `unsupported_media_type` or `media_too_large_pixels`.
 */
export function inspectMedia(bytes: Uint8Array, options: InspectMediaOptions = {}): MediaInfo {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0)) throw new RangeError(`maxPixels must be positive, got ${maxPixels}.`);
  if (bytes.length === 0) {
    throw new MediaCompletionsError('empty_blob', 'The file is empty (0 bytes).', { retryable: false });
  }
  const view = new ByteView(bytes);
  if (view.startsWith(0, PNG)) return image('png', readPngSize(view), maxPixels);
  if (view.startsWith(0, JPEG)) return image('jpeg', readJpegSize(view), maxPixels);
  const head = view.ascii(0, Math.min(12, view.length)) ?? '';
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a'))
    return image('gif', readGifSize(view), maxPixels);
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') {
    return image('webp', readWebpSize(view), maxPixels);
  }
  if (/^(RIFF|RF64|BW64)$/.test(head.slice(0, 4)) && head.slice(8, 12) === 'WAVE') return readWavInfo(view);
  const mp3 = locateMp3Audio(view);
  if (mp3 !== undefined) return readMp3Info(view, mp3);
  const container = detectAudioContainer(bytes);
  if (container !== undefined) {
    const codec = container.codec === undefined ? '' : ` (${container.codec})`;
    throw new MediaCompletionsError(
      'unsupported_media_type',
      `${container.format.toUpperCase()}${codec} audio must be converted to WAV or MP3 first, and no audio converter is configured.`,
      { retryable: false },
    );
  }
  throw new MediaCompletionsError(
    'unsupported_media_type',
    `Unsupported media: found ${describeUnknownBytes(bytes)}; expected PNG, JPEG, GIF, WEBP, WAV or MP3.`,
    { retryable: false },
  );
}

function image(format: ImageFormat, size: { width: number; height: number }, maxPixels: number): ImageInfo {
  const pixels = size.width * size.height;
  if (pixels > maxPixels) {
    throw new MediaCompletionsError(
      'media_too_large_pixels',
      `${format.toUpperCase()} declares ${size.width}x${size.height} pixels, more than the limit of ${maxPixels}.`,
      { retryable: false },
    );
  }
  return { kind: 'image', format, mimeType: `image/${format}`, width: size.width, height: size.height };
}
