/**
 * Figure 5, in a child process: one large image through `processBlob` with and without downscaling, `repeats`
 * times each, alternating: the bytes sent, the end-to-end time and the usage the emulator charged.
 */
import { childArgs, childMain } from '../child';
import { benchDeps, timedProcessBlob } from '../pipelineEnv';

export interface BytesSentArgs {
  connectionString: string;
  endpoint: string;
  container: string;
  output: string;
  name: string;
  repeats: number;
}

export interface BytesSentRun {
  sentBytes: number;
  width: number | null;
  height: number | null;
  totalMs: number[];
  promptTokens: number | undefined;
}

export interface BytesSentResult {
  inputBytes: number;
  width: number;
  height: number;
  original: BytesSentRun;
  downscaled: BytesSentRun;
}

childMain(async (): Promise<BytesSentResult> => {
  const args = childArgs() as BytesSentArgs;
  const depsFor = (value: boolean) => benchDeps(args, { MEDIA_DOWNSCALE: String(value) });
  const variants = { original: await depsFor(false), downscaled: await depsFor(true) };
  const runs: Record<keyof typeof variants, BytesSentRun> = {
    original: { sentBytes: 0, width: null, height: null, totalMs: [], promptTokens: undefined },
    downscaled: { sentBytes: 0, width: null, height: null, totalMs: [], promptTokens: undefined },
  };
  let input = { bytes: 0, width: 0, height: 0 };
  // One unmeasured round loads sharp and warms the connections.
  for (let round = -1; round < args.repeats; round++) {
    for (const variant of ['original', 'downscaled'] as const) {
      const run = `${variant}/${process.pid}-${round}`;
      const { document, elapsedMs } = await timedProcessBlob(variants[variant], args, run);
      if (document.media.kind !== 'image') throw new Error('expected an image');
      input = { bytes: document.source.size, width: document.media.width, height: document.media.height };
      const result = runs[variant];
      result.sentBytes = document.sent.bytes;
      result.width = document.sent.width;
      result.height = document.sent.height;
      result.promptTokens = (document.usage as { prompt_tokens?: number } | null)?.prompt_tokens;
      if (round >= 0) result.totalMs.push(elapsedMs);
    }
  }
  return { inputBytes: input.bytes, width: input.width, height: input.height, ...runs };
});
