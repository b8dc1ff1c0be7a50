import { MultiBar, Presets } from 'cli-progress';
import pLimit from 'p-limit';
import { MemoryWorkQueue } from '../adapters/MemoryWorkQueue';
import type { BatchDeps } from '../core/batch/BatchDeps';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { BatchRecordCache } from '../core/batch/BatchRecordCache';
import type { BatchRequest } from '../core/batch/BatchRequest';
import type { BatchView } from '../core/batch/BatchView';
import { createBatch } from '../core/batch/createBatch';
import { finalizeBatchPage } from '../core/batch/finalizeBatchPage';
import { getBatchStatus } from '../core/batch/getBatchStatus';
import { planBatchPage } from '../core/batch/planBatchPage';
import { runBatchItem } from '../core/batch/runBatchItem';
import { isConfigurationFault, type MediaCompletionsError } from '../core/errors/MediaCompletionsError';
import { formatBatchStatus } from './formatBatchStatus';

export interface RunBatchOptions {
  request: BatchRequest;
  /** Items processed at once. */
  concurrency: number;
  /** Show a progress bar (done, failed, rate, ETA, tokens) on stderr. */
  progress: boolean;
  write: (text: string) => void;
}

/**
 * Runs a batch in this process with the same core as the Functions (create, plan page by page, process items,
 * count, finalize), over an in-memory queue instead of Storage Queues, so the documents and JSONL files are the
 * same. At most one planned page waits in memory. A failed item is retried up to `maxDequeueCount` times, then
 * recorded, as the host would. A configuration fault stops the run at once (its message is the first line
 * written after the batch id); the batch is left unfinished, with no item counted as failed for it.
 */
export async function runBatch(
  deps: Omit<BatchDeps, 'queue' | 'records' | 'counterCopies'>,
  options: RunBatchOptions,
): Promise<BatchView> {
  const queue = new MemoryWorkQueue();
  // This run drives the batch, so its own writes keep its copy of the record current without a read per item;
  // the progress bar's status poll refreshes it too (a cancel through the API is then seen within a second).
  const records = new BatchRecordCache(deps.clock, { maxAgeMs: Infinity });
  const local: BatchDeps = { ...deps, queue, records, counterCopies: new Map() };
  const names = deps.batch.queues;
  const { record, created } = await createBatch(local, options.request);
  options.write(`Batch ${record.id}${created ? '' : ' (existing; pass --force for a new run)'}\n`);
  const status = async (): Promise<BatchView> => {
    const view = await getBatchStatus(local, record.id);
    if (view === undefined) throw new Error(`Batch ${record.id} disappeared.`);
    return view;
  };
  const fault = created ? await drain(local, queue, names, options, record.id) : undefined;
  if (fault !== undefined) {
    options.write(
      `${fault.message}\nBatch ${record.id} stopped: no item was counted as failed for this. After fixing it, ` +
        'run the same command with --force.\n',
    );
  }
  const view = await status();
  options.write(formatBatchStatus(view));
  return view;
}

async function drain(
  deps: BatchDeps,
  queue: MemoryWorkQueue,
  names: { plan: string; item: string; finalize: string },
  options: RunBatchOptions,
  id: string,
): Promise<MediaCompletionsError | undefined> {
  const limit = pLimit(options.concurrency);
  const running = new Set<Promise<void>>();
  const progress = options.progress ? startProgress(deps, id) : undefined;
  const deliveries = new Map<number, number>();
  // A configuration fault fails every item alike: stop taking work (the model is called no more), leave the
  // items uncounted, and report the fault once.
  let fault: MediaCompletionsError | undefined;
  try {
    for (;;) {
      fault ??= deps.breaker?.lastFault;
      if (fault !== undefined) {
        await Promise.all(running);
        return fault;
      }
      const plan = limit.pendingCount < deps.batch.planPageSize ? queue.take(names.plan) : undefined;
      if (plan !== undefined) {
        await planBatchPage(deps, parseBatchMessage(plan, 'plan'));
        continue;
      }
      const next = queue.take(names.item);
      if (next !== undefined) {
        const item = parseBatchMessage(next, 'item');
        const task = limit(async () => {
          const dequeueCount = (deliveries.get(item.index) ?? 0) + 1;
          deliveries.set(item.index, dequeueCount);
          try {
            await runBatchItem(deps, item, { dequeueCount });
            deliveries.delete(item.index);
          } catch (error) {
            if (isConfigurationFault(error)) {
              fault ??= error;
              return;
            }
            if (dequeueCount >= deps.batch.maxDequeueCount) throw error;
            await queue.send(names.item, item);
          }
        }).finally(() => running.delete(task));
        running.add(task);
        continue;
      }
      if (running.size > 0) {
        await Promise.race(running);
        continue;
      }
      const finalize = queue.take(names.finalize);
      if (finalize === undefined) return undefined;
      await finalizeBatchPage(deps, parseBatchMessage(finalize, 'finalize'));
    }
  } finally {
    await progress?.stop();
  }
}

/** Polls the batch status (counter shards, not documents) once a second into a progress bar. */
function startProgress(deps: BatchDeps, id: string): { stop(): Promise<void> } {
  const bars = new MultiBar(
    {
      format:
        ' {bar} {value}/{total} done | {failed} failed | {rate}/s | ETA {eta_formatted} | {tokens} tokens',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const bar = bars.create(0, 0, { failed: 0, tokens: 0, rate: '0.0' });
  const started = Date.now();
  const refresh = async (): Promise<void> => {
    const view = await getBatchStatus(deps, id);
    if (view === undefined) return;
    const done = view.request_counts.completed + view.request_counts.failed;
    const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
    bar.setTotal(view.request_counts.total);
    bar.update(done, {
      failed: view.request_counts.failed,
      tokens: view.usage.total_tokens,
      rate: rate.toFixed(1),
    });
  };
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(refresh).catch(() => undefined);
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      await refresh().catch(() => undefined);
      bars.stop();
    },
  };
}
