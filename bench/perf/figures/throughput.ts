/**
 * Figure 2, in a child process: `items` blobs through `processBlob` at a fixed concurrency against an emulator
 * with a fixed latency. The ideal is concurrency ÷ latency items per second.
 */
import pLimit from 'p-limit';
import { performance } from 'node:perf_hooks';
import { createAppDeps } from '../../../src/adapters/createAppDeps';
import { processBlob } from '../../../src/core/blob/processBlob';
import { childArgs, childMain } from '../child';
import { benchConfig } from '../pipelineEnv';
import { silentLogger } from '../silentLogger';

export interface ThroughputArgs {
  connectionString: string;
  endpoint: string;
  container: string;
  output: string;
  names: string[];
  concurrency: number;
  run: string;
}

export interface ThroughputResult {
  elapsedMs: number;
  succeeded: number;
  /** CPU time of this process (user + system) per item: what the pipeline itself costs. */
  cpuMsPerItem: number;
}

childMain(async (): Promise<ThroughputResult> => {
  const args = childArgs() as ThroughputArgs;
  const config = benchConfig(args.connectionString, args.endpoint, {
    MEDIA_INPUT_CONTAINER: args.container,
    MEDIA_OUTPUT_CONTAINER: args.output,
  });
  const deps = (await createAppDeps(config)).pipeline(silentLogger);
  const limit = pLimit(args.concurrency);
  const runOne = (name: string, prefix: string) =>
    limit(() =>
      processBlob(deps, {
        container: args.container,
        name,
        output: {
          container: args.output,
          resultName: `${prefix}/${name}.json`,
          errorName: `${prefix}/${name}.error.json`,
        },
      }),
    );
  // Warm the connection pools to the concurrency, as a running Function instance would have them.
  await Promise.all(args.names.slice(0, args.concurrency).map((name) => runOne(name, `${args.run}-warm`)));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcomes = await Promise.all(args.names.map((name) => runOne(name, args.run)));
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    elapsedMs,
    succeeded: outcomes.filter((outcome) => outcome.status === 'succeeded').length,
    cpuMsPerItem: (used.user + used.system) / 1000 / args.names.length,
  };
});
