import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AudioInfo } from '../core/media/MediaInfo';
import { isRecord } from '../core/json/isRecord';

/** Why the emulator refuses received audio: a message for the 400 answer. */
export class AudioProbeError extends Error {
  constructor(
    message: string,
    /** The error code of the 400 answer. */
    readonly code = 'invalid_media',
  ) {
    super(message);
    this.name = 'AudioProbeError';
  }
}

/** How a mismatch names what the data is: the MIME type of the containers the service knows. */
const MIME_TYPES: Readonly<Record<string, string>> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/** Longest a probe may take: ffprobe reads headers and packets, never decodes; 20 MB takes well under a second. */
const PROBE_TIMEOUT_MS = 30_000;
const RIFF_UNKNOWN_SIZE = 0xffffffff;

let ffprobePath: string | undefined;

/**
 * The ffprobe binary shipped by `@ffprobe-installer/ffprobe` (a development dependency: the emulator is a test
 * and demo tool), loaded on the first audio request.
 */
function ffprobe(): string {
  if (ffprobePath === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, only for audio requests
    const module = require('@ffprobe-installer/ffprobe') as { path: string };
    ffprobePath = module.path;
  }
  return ffprobePath;
}

/**
 * Validates received `input_audio` bytes with ffprobe — an implementation independent of the app's own header
 * readers, so that a detection bug in the app fails a test instead of agreeing with itself — and measures what
 * the token formula needs. Strict where decoders are: an MP3 must start with an ID3 tag or a frame, a WAV must be
 * PCM with real header sizes.
 *
 * @throws AudioProbeError naming what is wrong.
 */
export function probeAudio(bytes: Uint8Array, format: 'wav' | 'mp3'): AudioInfo {
  if (bytes.length === 0) throw new AudioProbeError('the audio is empty (0 bytes).', 'empty_blob');
  // A file, not a pipe: ffprobe states a WAV's duration only when it can see the file's length.
  const folder = mkdtempSync(path.join(tmpdir(), 'emulator-audio-'));
  const file = path.join(folder, `received.${format}`);
  let result: SpawnSyncReturns<Buffer>;
  try {
    writeFileSync(file, bytes);
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-count_packets'];
    result = spawnSync(ffprobe(), [...args, '-i', file], {
      timeout: PROBE_TIMEOUT_MS,
      maxBuffer: 1024 * 1024,
      windowsHide: true,
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  if (result.error !== undefined) throw result.error;
  const parsed: unknown = result.status === 0 ? JSON.parse(result.stdout.toString('utf8')) : undefined;
  const format_ = isRecord(parsed) && isRecord(parsed.format) ? parsed.format : undefined;
  const streams = isRecord(parsed) && Array.isArray(parsed.streams) ? parsed.streams : [];
  const stream: unknown = streams.find((entry) => isRecord(entry) && entry.codec_type === 'audio');
  if (format_ === undefined || !isRecord(stream)) {
    throw new AudioProbeError(`the data is not decodable ${format} audio.`);
  }
  const container = String(format_.format_name);
  const codec = String(stream.codec_name);
  const sampleRate = Number(stream.sample_rate);
  const channels = Number(stream.channels);
  const packets = Number(stream.nb_read_packets);
  if (format === 'wav') {
    if (container !== 'wav' || !codec.startsWith('pcm_')) {
      throw new AudioProbeError(
        `format is wav but the data is ${MIME_TYPES[container] ?? container} (${codec}), not PCM WAV.`,
      );
    }
    const riffSize = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(4);
    if (riffSize === RIFF_UNKNOWN_SIZE) {
      throw new AudioProbeError('the WAV header sizes are unset (0xFFFFFFFF): a WAV written to a pipe.');
    }
  } else {
    if (container !== 'mp3' || codec !== 'mp3') {
      throw new AudioProbeError(
        `format is mp3 but the data is ${MIME_TYPES[container] ?? container} (${codec}).`,
      );
    }
    const startsWell =
      (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) ||
      (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0);
    if (!startsWell) throw new AudioProbeError('the MP3 starts with neither an ID3 tag nor a frame.');
  }
  const durationSeconds =
    format === 'mp3' && packets > 0 && sampleRate > 0
      ? (packets * (sampleRate >= 32_000 ? 1152 : 576)) / sampleRate
      : Number(stream.duration ?? format_.duration);
  if (!(durationSeconds >= 0 && sampleRate > 0 && channels > 0)) {
    throw new AudioProbeError(`the ${format} stream has no duration, rate or channel count.`);
  }
  return {
    kind: 'audio',
    format,
    mimeType: format === 'wav' ? 'audio/wav' : 'audio/mpeg',
    durationSeconds,
    sampleRate,
    channels,
  };
}
