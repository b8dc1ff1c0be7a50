/**
 * Figure 8, in a child process: peak RSS of the whole process while `concurrency` copies of one huge-pixel image
 * (small file, 10000×10000 pixels) go through `processBlob` at once, with the default decode budget and limit.
 * Each kind is first processed alone, to show the budget refuses nothing one instance can take one at a time.
 */
import { performance } from 'node:perf_hooks';
import { createAppDeps } from '../../../src/adapters/createAppDeps';
import { processBlob } from '../../../src/core/blob/processBlob';
import { childArgs, childMain } from '../child';
import { peakRss, resetPeakRss } from '../peakRss';
import { benchConfig } from '../pipelineEnv';
import { silentLogger } from '../silentLogger';
import type { MemoryArgs } from './memory';

/** Figure 3's child arguments, with `concurrency` copies at once instead of a memory chain. */
export type DecodeMemoryArgs = Omit<MemoryArgs, 'chain'> & { concurrency: number };

export interface DecodeMemoryResult {
  /** RSS after a warm-up item, before the measured ones. */
  baselineRss: number;
  /** Peak RSS (VmHWM) while one copy was processed alone. */
  alonePeakRss: number;
  /** Peak RSS (VmHWM) while `concurrency` copies were processed at once. */
  concurrentPeakRss: number;
  concurrentMs: number;
  /** Outcomes of the concurrent items, e.g. `{ succeeded: 8 }`. */
  outcomes: Record<string, number>;
}

childMain(async (): Promise<DecodeMemoryResult> => {
  const args = childArgs() as DecodeMemoryArgs;
  const config = benchConfig(args.connectionString, args.endpoint, {
    MEDIA_INPUT_CONTAINER: args.container,
    MEDIA_OUTPUT_CONTAINER: args.output,
  });
  const deps = (await createAppDeps(config)).pipeline(silentLogger);
  const run = async (name: string, label: string): Promise<string> => {
    const outcome = await processBlob(deps, {
      container: args.container,
      name,
      output: {
        container: args.output,
        resultName: `decode/${label}-${process.pid}.json`,
        errorName: `decode/${label}-${process.pid}.error.json`,
      },
    });
    return outcome.status === 'failed' ? `failed: ${outcome.document.error.code}` : outcome.status;
  };
  await run(args.warmupName, 'warm');
  const baselineRss = process.memoryUsage().rss;
  if (!resetPeakRss()) throw new Error('this figure needs Linux procfs (/proc/self/clear_refs)');
  const alone = await run(args.name, 'alone');
  if (alone !== 'succeeded') throw new Error(`${args.name} alone ended ${alone}`);
  const alonePeakRss = peakRss() ?? 0;
  resetPeakRss();
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: args.concurrency }, (_, index) => run(args.name, `c${index}`)),
  );
  const concurrentMs = performance.now() - started;
  const outcomes: Record<string, number> = {};
  for (const status of statuses) outcomes[status] = (outcomes[status] ?? 0) + 1;
  return { baselineRss, alonePeakRss, concurrentPeakRss: peakRss() ?? 0, concurrentMs, outcomes };
});
