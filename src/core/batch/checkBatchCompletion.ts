import type { BatchDeps } from './BatchDeps';
import { readBatchCounts } from './batchCounters';
import { readBatchRecord, updateBatchRecord } from './batchRecordStore';
import type { FinalizeMessage } from './BatchMessage';

const TERMINAL = new Set(['finalizing', 'completed', 'failed', 'cancelled']);

/**
 * Enqueues the finalizer once every item is counted (completed + failed == total). Called by the item that
 * filled its counter shard, by the planner when it sets `total`, and by cancel; whichever sees the batch
 * complete first wins the If-Match transition, so the finalizer is enqueued once.
 */
export async function checkBatchCompletion(deps: BatchDeps, id: string): Promise<boolean> {
  const container = deps.settings.outputContainer;
  const record = await readBatchRecord(deps.blobs, container, id);
  if (record === undefined) return false;
  if (record.total === null || record.finalizeQueued || TERMINAL.has(record.status)) return false;
  const counts = await readBatchCounts(deps.blobs, container, record);
  if (counts.counted < record.total) return false;
  const now = new Date(deps.clock.now()).toISOString();
  const won = await updateBatchRecord(deps.blobs, container, id, (current) =>
    current.finalizeQueued || TERMINAL.has(current.status)
      ? undefined
      : {
          ...current,
          finalizeQueued: true,
          ...(current.status === 'cancelling' ? {} : { status: 'finalizing' as const, finalizingAt: now }),
        },
  );
  if (won?.changed !== true) return false;
  const message: FinalizeMessage = {
    type: 'finalize',
    batchId: id,
    page: 0,
    resultPages: [],
    errorPages: [],
  };
  try {
    await deps.queue.send(deps.batch.queues.finalize, message);
  } catch (error) {
    // Undo, so that a redelivery of the caller's message can try again.
    await updateBatchRecord(deps.blobs, container, id, (current) => ({ ...current, finalizeQueued: false }));
    throw error;
  }
  deps.logger.info('Batch complete; finalizer enqueued', { batchId: id, total: record.total });
  return true;
}
