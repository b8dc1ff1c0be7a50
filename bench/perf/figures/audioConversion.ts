/**
 * Figure 7, in a child process: one audio file through `processBlob` with and without MEDIA_AUDIO_COMPACT,
 * `repeats` times each, alternating: the CPU time ffmpeg spent converting, the bytes sent, the rate sent and the
 * prompt_tokens the emulator charged.
 */
import { readFileSync } from 'node:fs';
import { childArgs, childMain } from '../child';
import type { BytesSentArgs } from './bytesSent';
import { benchDeps, timedProcessBlob } from '../pipelineEnv';

/** The same as figure 5's: one stored file, processed `repeats` times per variant. */
export type AudioConversionArgs = BytesSentArgs;

export interface AudioConversionRun {
  sentBytes: number;
  sentSampleRate: number | undefined;
  converted: boolean;
  /** ffmpeg's user + system CPU per run (ms, 10 ms resolution). */
  ffmpegCpuMs: number[];
  totalMs: number[];
  promptTokens: number | undefined;
}

export interface AudioConversionResult {
  inputBytes: number;
  durationSeconds: number;
  from: string;
  plain: AudioConversionRun;
  compact: AudioConversionRun;
}

/** CPU of this process's finished children (cutime + cstime in /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5), counted from 1; the slice starts at field 3. Clock ticks are 1/100 s.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

childMain(async (): Promise<AudioConversionResult> => {
  const args = childArgs() as AudioConversionArgs;
  const depsFor = (value: boolean) => benchDeps(args, { MEDIA_AUDIO_COMPACT: String(value) });
  const variants = { plain: await depsFor(false), compact: await depsFor(true) };
  const empty = (): AudioConversionRun => ({
    sentBytes: 0,
    sentSampleRate: undefined,
    converted: false,
    ffmpegCpuMs: [],
    totalMs: [],
    promptTokens: undefined,
  });
  const runs: Record<keyof typeof variants, AudioConversionRun> = { plain: empty(), compact: empty() };
  let input = { bytes: 0, durationSeconds: 0, from: '' };
  // One unmeasured round loads the ffmpeg package and warms the connections.
  for (let round = -1; round < args.repeats; round++) {
    for (const variant of ['plain', 'compact'] as const) {
      const run = `audio-${variant}/${process.pid}-${round}`;
      const cpuBefore = childrenCpuMs();
      const { document, elapsedMs } = await timedProcessBlob(variants[variant], args, run);
      const cpuMs = childrenCpuMs() - cpuBefore;
      if (document.media.kind !== 'audio') throw new Error('expected audio');
      const from = document.sent.from ?? document.media.format;
      input = { bytes: document.source.size, durationSeconds: document.media.durationSeconds, from };
      const result = runs[variant];
      result.sentBytes = document.sent.bytes;
      result.sentSampleRate = document.sent.sampleRate;
      result.converted = document.sent.converted;
      result.promptTokens = (document.usage as { prompt_tokens?: number } | null)?.prompt_tokens;
      if (round >= 0) {
        result.totalMs.push(elapsedMs);
        result.ffmpegCpuMs.push(cpuMs);
      }
    }
  }
  return { inputBytes: input.bytes, durationSeconds: input.durationSeconds, from: input.from, ...runs };
});
