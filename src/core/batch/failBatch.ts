import type { BatchDeps } from './BatchDeps';
import { updateBatchRecord } from './batchRecordStore';
import { isEndedBatchStatus } from './isEndedBatchStatus';

/**
 * Marks a batch `failed` with `error` appended to its `errors` (the Batch API's `errors.data` entries), and
 * `total` fixed at what was planned so far. A batch already `completed`, `failed` or `cancelled` is left as is.
 * Returns whether this call failed it.
 */
export async function failBatch(
  deps: BatchDeps,
  id: string,
  error: { code: string; message: string },
): Promise<boolean> {
  const now = new Date(deps.clock.now()).toISOString();
  const updated = await updateBatchRecord(
    deps.blobs,
    deps.settings.outputContainer,
    id,
    (current) =>
      isEndedBatchStatus(current.status)
        ? undefined
        : {
            ...current,
            status: 'failed',
            failedAt: now,
            total: current.total ?? current.planned,
            errors: [...current.errors, { code: error.code, message: error.message }],
          },
    deps.records,
  );
  return updated?.changed === true;
}
