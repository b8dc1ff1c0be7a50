import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { BlobStore } from '../../src/core/ports/BlobStore';
import { getBatchStatus } from '../../src/core/batch/getBatchStatus';
import { startEmulator } from '../../src/emulator/startEmulator';
import type { BenchRow } from './BenchRow';
import { runNode } from './child';
import { median, round } from './stats';

export interface ScaleOutOptions {
  connectionString: string;
  blobs: BlobStore;
  container: string;
  output: string;
  /** Blob names to batch, all under `prefix`. */
  prefix: string;
  items: number;
  repeats: number;
  log: (line: string) => void;
}

export interface ScaleOutFigure {
  latencyMs: number;
  inFlightPerWorker: number;
  /** Items per second in steady state (from the 10th to the last item), per repeat. */
  rates: Record<'one' | 'two', number[]>;
  row: BenchRow;
}

const LATENCY_MS = 500;
const IN_FLIGHT = 4;

/**
 * Figure 6: batch items per second with one and with two `media-completions batch worker` processes on the same
 * Azurite queue. Latency-bound on purpose (a slow model, few messages in flight per worker), so the figure shows
 * how the queue spreads work, not how many cores the machine has.
 */
export async function scaleOut(options: ScaleOutOptions): Promise<ScaleOutFigure> {
  const emulator = await startEmulator({ key: 'bench-key', latencyMs: LATENCY_MS });
  const env = {
    ...process.env,
    MediaStorage: options.connectionString,
    AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
    AZURE_INFERENCE_CREDENTIAL: 'bench-key',
    AZURE_INFERENCE_MODEL: 'gpt-4o',
    MEDIA_INPUT_CONTAINER: options.container,
    MEDIA_OUTPUT_CONTAINER: options.output,
  };
  const rates: ScaleOutFigure['rates'] = { one: [], two: [] };
  try {
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const [label, workers] of [
        ['one', 1],
        ['two', 2],
      ] as const) {
        const submitted = await cli(['batch', '--enqueue', '--prefix', options.prefix, '--force'], env);
        const id = /Batch (\S+)/.exec(submitted)?.[1];
        if (id === undefined) throw new Error('batch --enqueue printed no batch id');
        const running = Array.from({ length: workers }, () =>
          cli(['batch', 'worker', '--in-flight', String(IN_FLIGHT), '--idle-exit', '2000'], env),
        );
        const rate = await steadyRate(options, id);
        await Promise.all(running);
        options.log(`scale-out: ${workers} worker(s): ${round(rate, 1)} items/s`);
        rates[label].push(rate);
      }
    }
  } finally {
    await emulator.close();
  }
  const ideal = IN_FLIGHT / (LATENCY_MS / 1000);
  const ratios = rates.two.map((rate, index) => rate / (rates.one[index] ?? Number.NaN));
  const ratio = median(ratios);
  return {
    latencyMs: LATENCY_MS,
    inFlightPerWorker: IN_FLIGHT,
    rates,
    row: {
      figure: `6. scale-out, ${options.items} batch items, latency ${LATENCY_MS} ms, ${IN_FLIGHT} in flight per worker`,
      measured: `1 worker ${round(median(rates.one), 1)} items/s, 2 workers ${round(median(rates.two), 1)} items/s`,
      floor: `ideal ${ideal} and ${2 * ideal} items/s (2×)`,
      ratio: `${round(ratio, 2)}× [${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}]`,
      target: '≥ 1.8×',
      met: ratio >= 1.8,
    },
  };
}

/** Items per second from the 10th completed item to the last: worker start-up and planning are left out. */
async function steadyRate(options: ScaleOutOptions, id: string): Promise<number> {
  const deps = { blobs: options.blobs, settings: { outputContainer: options.output } };
  let tenth: number | undefined;
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const view = await getBatchStatus(deps, id);
    const done = (view?.request_counts.completed ?? 0) + (view?.request_counts.failed ?? 0);
    const now = performance.now();
    if (tenth === undefined && done >= 10) tenth = now;
    if (tenth !== undefined && done >= options.items) return (options.items - 10) / ((now - tenth) / 1000);
    // Each look sums the counter shards (17 reads): looking more often would load Azurite more than the workers.
    await delay(250);
  }
  throw new Error(`batch ${id} did not finish within 2 minutes`);
}

async function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
  const { code, stdout } = await runNode([main, ...args], env, 'ignore');
  if (code !== 0) throw new Error(`media-completions ${args.slice(0, 2).join(' ')} exited with ${code}`);
  return stdout;
}
