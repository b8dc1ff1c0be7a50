import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { MediaCompletionsError } from '../core/errors/MediaCompletionsError';
import { ByteView } from '../core/media/ByteView';
import { readWavLayout } from '../core/media/readWavInfo';
import { rewrapWav } from '../core/media/rewrapWav';
import type { AudioConversionOptions, AudioConverter } from '../core/ports/AudioConverter';

export interface FfmpegAudioConverterOptions {
  /** The ffmpeg binary; default: the one shipped by the `@ffmpeg-installer/ffmpeg` package for this platform. */
  ffmpegPath?: string;
  /** Wall-clock limit of one conversion in ms; default 60,000 (a 20 MB file decodes in well under a second). */
  timeoutMs?: number;
  /** Conversions run at once in this process; default 2. Each is one single-threaded ffmpeg process. */
  concurrency?: number;
}

/** Bytes kept from ffmpeg's stderr: enough for its last error line. */
const STDERR_TAIL = 4096;
/** MP3 bitrate when the WAV would be too large: speech and music stay clear; 20 MB holds 29 minutes. */
const MP3_BITRATE = '96k';

let shipped: Promise<string> | undefined;

/** The package resolves its platform's binary when loaded: only on the first conversion, not at cold start. */
function shippedFfmpeg(): Promise<string> {
  shipped ??= import('@ffmpeg-installer/ffmpeg').then(
    (module) => module.path,
    (error: unknown) => {
      shipped = undefined;
      throw unavailable(error);
    },
  );
  return shipped;
}

function unavailable(cause: unknown): MediaCompletionsError {
  return new MediaCompletionsError(
    'audio_converter_unavailable',
    'The ffmpeg binary that converts audio could not be started; reinstall the package @ffmpeg-installer/ffmpeg.',
    { retryable: false, cause },
  );
}

/**
 * The AudioConverter port on ffmpeg, shipped as a binary inside an npm package (no download at install or run
 * time). One ffmpeg process per conversion, bytes through stdin and stdout, under a time limit; its stderr is
 * kept only to name a decoding failure in one sanitised line, never logged.
 */
export class FfmpegAudioConverter implements AudioConverter {
  private readonly timeoutMs: number;
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(private readonly options: FfmpegAudioConverterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.limit = pLimit(options.concurrency ?? 2);
  }

  convert(bytes: Uint8Array, options: AudioConversionOptions): Promise<Uint8Array | undefined> {
    return this.limit(() => this.run(bytes, options));
  }

  private async run(bytes: Uint8Array, options: AudioConversionOptions): Promise<Uint8Array | undefined> {
    const binary = this.options.ffmpegPath ?? (await shippedFfmpeg());
    // MP4/M4A keeps its index (moov) where the encoder put it, often after the audio; reading that needs
    // seeking, which a pipe cannot do. Those go through a private temporary file; everything else streams.
    const folder = isIsoMedia(bytes) ? await mkdtemp(path.join(tmpdir(), 'media-audio-')) : undefined;
    try {
      let input = 'pipe:0';
      if (folder !== undefined) {
        input = path.join(folder, 'input');
        await writeFile(input, bytes, { mode: 0o600 });
      }
      // Room for a header beyond the audio itself before the output counts as too large.
      const output = await this.spawn(
        binary,
        ffmpegArguments(input, options),
        folder === undefined ? bytes : undefined,
        options.maxBytes + 1024,
      );
      if (output === undefined) return undefined;
      const result = options.to === 'wav' ? withTrueSizes(output) : output;
      return result.length > options.maxBytes ? undefined : result;
    } finally {
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    }
  }

  private spawn(
    binary: string,
    args: readonly string[],
    stdin: Uint8Array | undefined,
    maxOutput: number,
  ): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      const chunks: Buffer[] = [];
      let received = 0;
      let stderr = '';
      let settled = false;
      /** Settles once: the output (undefined when over the cap) or the error. */
      const finish = (outcome: { output: Uint8Array | undefined } | { error: Error }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.output);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        const message = `Converting the audio took longer than ${this.timeoutMs} ms.`;
        finish({ error: new MediaCompletionsError('conversion_timeout', message, { retryable: false }) });
      }, this.timeoutMs);
      child.on('error', (error) => {
        finish({ error: unavailable(error) });
      });
      child.stdout.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxOutput) {
          child.kill('SIGKILL');
          finish({ output: undefined });
          return;
        }
        chunks.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.on('close', (code) => {
        finish(
          code === 0 && received > 0
            ? { output: new Uint8Array(Buffer.concat(chunks)) }
            : { error: undecodable(stderr) },
        );
      });
      // ffmpeg may stop reading early (an unreadable header): that error is the exit code's to report.
      child.stdin.on('error', () => undefined);
      child.stdin.end(
        stdin === undefined ? undefined : Buffer.from(stdin.buffer, stdin.byteOffset, stdin.byteLength),
      );
    });
  }
}

function ffmpegArguments(input: string, options: AudioConversionOptions): string[] {
  const encode =
    options.to === 'wav'
      ? ['-c:a', 'pcm_s16le', '-f', 'wav']
      : // To a pipe the Xing header's frame count cannot be filled in afterwards: CBR without one.
        ['-c:a', 'libmp3lame', '-b:a', MP3_BITRATE, '-write_xing', '0', '-f', 'mp3'];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-threads',
    '1',
    '-i',
    input,
    '-map',
    '0:a:0',
    '-map_metadata',
    '-1',
    '-flags',
    '+bitexact',
    '-fflags',
    '+bitexact',
    ...(options.sampleRate === undefined ? [] : ['-ar', String(options.sampleRate)]),
    ...encode,
    'pipe:1',
  ];
}

/** ffmpeg writing WAV to a pipe cannot seek back: its RIFF and data sizes stay 0xFFFFFFFF. */
function withTrueSizes(wav: Uint8Array): Uint8Array {
  try {
    return rewrapWav(wav, readWavLayout(new ByteView(wav)));
  } catch (error) {
    throw new MediaCompletionsError('invalid_media', 'The audio decoded to no samples.', {
      retryable: false,
      cause: error,
    });
  }
}

function isIsoMedia(bytes: Uint8Array): boolean {
  return String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp';
}

/** One line naming why ffmpeg failed: printable ASCII only, no paths, bounded. */
function undecodable(stderr: string): MediaCompletionsError {
  const last = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .pop();
  const reason = (last ?? '')
    .replace(/\S*media-audio-\S*/g, 'input')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/^\[[^\]]*\]\s*/, '')
    .slice(0, 160);
  return new MediaCompletionsError(
    'invalid_media',
    `The audio could not be decoded${reason === '' ? '' : `: ${reason}`}.`,
    { retryable: false },
  );
}
