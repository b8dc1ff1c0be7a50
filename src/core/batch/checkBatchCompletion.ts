import type { BatchDeps } from './BatchDeps';
import { readBatchCounts } from './batchCounters';
import type { BatchRecord } from './BatchRecord';
import { readBatchRecord, updateBatchRecord } from './batchRecordStore';
import type { FinalizeMessage } from './BatchMessage';

const TERMINAL = new Set(['finalizing', 'completed', 'failed', 'cancelled']);

/** The record says there is nothing to finalize (yet, or any more). */
const settled = (record: BatchRecord): boolean =>
  record.total === null || record.finalizeQueued || TERMINAL.has(record.status);

/**
 * Enqueues the finalizer once every item is counted (completed + failed == total). Called by the item that
 * filled its counter shard, by the planner when it sets `total`, and by cancel; whichever sees the batch
 * complete first wins the If-Match transition, so the finalizer is enqueued once. Costs one listing of the
 * counter shards (their counts are metadata) when the process's copy of the record is recent; a copy that says
 * "nothing to do" is read again, since only storage may say that (planning ended elsewhere, a send undone).
 */
export async function checkBatchCompletion(deps: BatchDeps, id: string): Promise<boolean> {
  const container = deps.settings.outputContainer;
  const copy = deps.records.recent(id)?.record;
  const record =
    copy !== undefined && !settled(copy)
      ? copy
      : await readBatchRecord(deps.blobs, container, id, deps.records);
  if (record === undefined || record.total === null || settled(record)) return false;
  const counts = await readBatchCounts(deps.blobs, container, record);
  if (counts.counted < record.total) return false;
  const now = new Date(deps.clock.now()).toISOString();
  const won = await updateBatchRecord(
    deps.blobs,
    container,
    id,
    (current) =>
      current.finalizeQueued || TERMINAL.has(current.status)
        ? undefined
        : {
            ...current,
            finalizeQueued: true,
            ...(current.status === 'cancelling' ? {} : { status: 'finalizing' as const, finalizingAt: now }),
          },
    deps.records,
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
    await updateBatchRecord(
      deps.blobs,
      container,
      id,
      (current) => ({ ...current, finalizeQueued: false }),
      deps.records,
    );
    throw error;
  }
  deps.logger.info('Batch complete; finalizer enqueued', { batchId: id, total: record.total });
  return true;
}
