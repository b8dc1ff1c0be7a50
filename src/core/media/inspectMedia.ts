import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { ByteView } from './ByteView';
import { detectAudioContainer } from './detectAudioContainer';
import { describeUnknownBytes } from './describeUnknownBytes';
import type { ImageFormat, ImageInfo, MediaInfo } from './MediaInfo';
import { readBmpSize } from './readBmpSize';
import { readGifSize } from './readGifSize';
import { heifBrand, readHeifSize } from './readHeifInfo';
import { readJpegSize } from './readJpegSize';
import { locateMp3Audio, readMp3Info } from './readMp3Info';
import { readPngSize } from './readPngSize';
import { readTiffSize } from './readTiffSize';
import { readWavInfo } from './readWavInfo';
import { readWebpSize } from './readWebpSize';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/**
 * Identifies an image or audio file from its magic bytes and reads its dimensions or duration from the header,
 * without decoding pixels or samples. Runs in time bounded by the buffer length on any input. Image sizes are as
 * stored (before any EXIF orientation); whether an image can be sent as it is, and its upright size, are the
 * image converter's to tell.
 *
 * @throws MediaCompletionsError `empty_blob`, `invalid_media` or `unsupported_media_type`.
 */
export function inspectMedia(bytes: Uint8Array): MediaInfo {
  if (bytes.length === 0) {
    throw new MediaCompletionsError('empty_blob', 'The file is empty (0 bytes).', { retryable: false });
  }
  const view = new ByteView(bytes);
  if (view.startsWith(0, PNG)) return image('png', readPngSize(view));
  if (view.startsWith(0, JPEG)) return image('jpeg', readJpegSize(view));
  const head = view.ascii(0, Math.min(12, view.length)) ?? '';
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return image('gif', readGifSize(view));
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return image('webp', readWebpSize(view));
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return image('tiff', readTiffSize(view));
  if (head.startsWith('BM') && view.length >= 26) return image('bmp', readBmpSize(view));
  const heif = heifBrand(view);
  if (heif !== undefined) return image(heif, readHeifSize(view));
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
    `Unsupported media: found ${describeUnknownBytes(bytes)}; expected PNG, JPEG, GIF, WEBP, HEIC, AVIF, TIFF, BMP, WAV or MP3.`,
    { retryable: false },
  );
}

function image(format: ImageFormat, size: { width: number; height: number }): ImageInfo {
  return { kind: 'image', format, mimeType: `image/${format}`, width: size.width, height: size.height };
}
