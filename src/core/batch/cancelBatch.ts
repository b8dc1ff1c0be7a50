import type { BatchDeps } from './BatchDeps';
import { updateBatchRecord } from './batchRecordStore';
import { checkBatchCompletion } from './checkBatchCompletion';
import type { BatchView } from './BatchView';
import { getBatchStatus } from './getBatchStatus';

/**
 * Moves a `validating` or `in_progress` batch to `cancelling`: the planner stops, items not started yet get a
 * `batch_cancelled` error document, items in flight finish. When every item is accounted for, the finalizer
 * writes the files and the batch becomes `cancelled`. Other states are left as they are. `undefined` when there
 * is no such batch.
 */
export async function cancelBatch(deps: BatchDeps, id: string): Promise<BatchView | undefined> {
  const now = new Date(deps.clock.now()).toISOString();
  const updated = await updateBatchRecord(
    deps.blobs,
    deps.settings.outputContainer,
    id,
    (record) =>
      record.status === 'validating' || record.status === 'in_progress'
        ? { ...record, status: 'cancelling', cancellingAt: now }
        : undefined,
    deps.records,
  );
  if (updated === undefined) return undefined;
  if (updated.changed) {
    deps.logger.info('Batch cancelling', { batchId: id });
    await checkBatchCompletion(deps, id);
  }
  return getBatchStatus(deps, id);
}
