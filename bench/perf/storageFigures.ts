import path from 'node:path';
import type { BenchRow } from './BenchRow';
import { buildBaseline, BASELINE_COMMIT, type BaselineBuild } from './baselineBuild';
import { runChild } from './child';
import type { PipelineCpuArgs, PipelineCpuResult } from './figures/pipelineCpu';
import type {
  StorageRequestRow,
  StorageRequestsArgs,
  StorageRequestsResult,
} from './figures/storageRequests';
import { median, round, summarize } from './stats';

export interface StorageFiguresOptions {
  common: { connectionString: string; container: string; output: string };
  endpoint: string;
  /** Uploads one input blob into `common.container`. */
  put: (name: string, bytes: Uint8Array) => Promise<number>;
  smallPng: Uint8Array;
  repeats: number;
  log: (line: string) => void;
}

/** The paths of issue 15's table, as the figure names them. */
const STORAGE_REQUEST_ROWS: Record<StorageRequestRow, string> = {
  trigger: 'new blob, trigger (text ETag, length, metadata delivered)',
  triggerHostShape: 'new blob, trigger (`eTag: {}`, `contentLength`: real hosts)',
  cli: 'new blob, CLI `process` (no content), per item of 8',
  redelivery: 'redelivery of a processed blob (trigger)',
  permanentError: 'permanent error (unsupported bytes, trigger)',
  httpSave: 'HTTP `?save=true`',
  batch: 'batch end to end, CLI in-memory queue, per item of 64',
};

/** Issue 15's targets (Floor B): requests per item on each path. */
const TARGETS: Record<StorageRequestRow, number> = {
  trigger: 3,
  triggerHostShape: 4,
  cli: 4,
  redelivery: 2,
  permanentError: 2,
  httpSave: 1,
  batch: 9,
};

const CPU_ITEMS = 200;
const CPU_CONCURRENCY = 8;
const CPU_MODES = [
  ['trigger', 'blob trigger (text ETag)'],
  ['cli', '`processBlob` without content (CLI, batch)'],
] as const;

/** `p50 [min–max]` with two decimals. */
function range(values: readonly number[], unit: string): string {
  const stats = summarize(values);
  return `${round(stats.p50, 2)}${unit} [${round(stats.min, 2)}–${round(stats.max, 2)}]`;
}

/**
 * Figure 10: storage requests per item on each path (counted by a proxy in front of Azurite; deterministic, and
 * pinned by `test/functions/storageRequestsPerItem.test.ts`), and the pipeline's CPU per item over 200 small
 * images. Both against the old path measured in the same run: `src/` of main at {@link BASELINE_COMMIT} (before
 * issue 15), compiled into a temporary directory. Without git history the old path is left out (ratio n/a).
 */
export async function storageFigures(
  options: StorageFiguresOptions,
): Promise<{ rows: BenchRow[]; results: Record<string, unknown> }> {
  const current = path.join(__dirname, '..', '..', 'src');
  const repo = path.join(__dirname, '..', '..', '..', '..');
  let baseline: BaselineBuild | undefined;
  try {
    baseline = buildBaseline(repo);
  } catch (error) {
    options.log(`10. no baseline build (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    const counts = (root: string) =>
      runChild<StorageRequestsResult>('storageRequests', {
        root,
        connectionString: options.common.connectionString,
        endpoint: options.endpoint,
      } satisfies StorageRequestsArgs);
    options.log('10. storage requests per item');
    const after = await counts(current);
    const before = baseline === undefined ? undefined : await counts(baseline.root);
    const rows: BenchRow[] = (Object.keys(STORAGE_REQUEST_ROWS) as StorageRequestRow[]).map((key) => ({
      figure: `10. storage requests per item: ${STORAGE_REQUEST_ROWS[key]}`,
      measured: `${round(after[key], 2)}`,
      floor: before === undefined ? 'old path not built' : `${round(before[key], 2)} at ${BASELINE_COMMIT}`,
      ratio: before === undefined ? 'n/a' : `${round(before[key], 2)} → ${round(after[key], 2)}`,
      target: `≤ ${TARGETS[key]}`,
      met: after[key] <= TARGETS[key],
    }));

    const names = Array.from(
      { length: CPU_ITEMS },
      (_, index) => `cpu/${String(index).padStart(3, '0')}.png`,
    );
    const warmNames = Array.from(
      { length: 20 },
      (_, index) => `cpu-warm/${String(index).padStart(2, '0')}.png`,
    );
    for (const name of [...warmNames, ...names]) await options.put(name, options.smallPng);
    const cpuResults: Record<string, { newRuns: PipelineCpuResult[]; oldRuns: PipelineCpuResult[] }> = {};
    for (const [mode, label] of CPU_MODES) {
      options.log(`10. pipeline CPU per item, ${CPU_ITEMS} small images, ${mode}`);
      const cpu = (root: string, run: string) =>
        runChild<PipelineCpuResult>('pipelineCpu', {
          ...options.common,
          root,
          mode,
          endpoint: options.endpoint,
          names,
          warmNames,
          concurrency: CPU_CONCURRENCY,
          run,
        } satisfies PipelineCpuArgs);
      const newRuns: PipelineCpuResult[] = [];
      const oldRuns: PipelineCpuResult[] = [];
      // Interleaved, so that a change in the machine's load touches both paths alike.
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        newRuns.push(await cpu(current, `cpu-${mode}-new-${repeat}`));
        if (baseline !== undefined) oldRuns.push(await cpu(baseline.root, `cpu-${mode}-old-${repeat}`));
      }
      cpuResults[mode] = { newRuns, oldRuns };
      const newMs = newRuns.map((run) => run.cpuMsPerItem);
      const oldMs = oldRuns.map((run) => run.cpuMsPerItem);
      const ratios = oldMs.map((old, index) => (newMs[index] ?? Number.NaN) / old);
      rows.push({
        figure: `10. pipeline CPU per item, ${CPU_ITEMS} small images, ${label}, concurrency ${CPU_CONCURRENCY}`,
        measured: range(newMs, ' ms'),
        floor: oldMs.length === 0 ? 'old path not built' : `${range(oldMs, ' ms')} at ${BASELINE_COMMIT}`,
        ratio: ratios.length === 0 ? 'n/a' : range(ratios, '×'),
        target: '≤ 0.6×',
        met: ratios.length === 0 ? undefined : median(ratios) <= 0.6,
      });
    }
    return {
      rows,
      results: {
        storageRequests: { baselineCommit: BASELINE_COMMIT, after, before },
        pipelineCpu: { items: CPU_ITEMS, concurrency: CPU_CONCURRENCY, ...cpuResults },
      },
    };
  } finally {
    baseline?.remove();
  }
}
