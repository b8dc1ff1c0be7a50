import type { MemoryWorkQueue } from '../../src/adapters/MemoryWorkQueue';
import type { BatchDeps } from '../../src/core/batch/BatchDeps';
import { parseBatchMessage } from '../../src/core/batch/BatchMessage';
import type { BatchRecord } from '../../src/core/batch/BatchRecord';
import { createBatch } from '../../src/core/batch/createBatch';
import { parseBatchRequest } from '../../src/core/batch/parseBatchRequest';
import { planBatchPage } from '../../src/core/batch/planBatchPage';

/** Batch dependencies over an in-memory queue, so a test can take the messages it wants to run. */
export type LocalBatchDeps = BatchDeps & { queue: MemoryWorkQueue };

/**
 * The first steps of most batch tests: creates a batch over the blobs under `prefix` in `container` and plans
 * its first page, leaving the item messages on `deps.queue` (take them with `takeItemMessage`).
 */
export async function createPlannedBatch(
  deps: LocalBatchDeps,
  source: { container: string; prefix: string },
): Promise<BatchRecord> {
  const { record } = await createBatch(deps, parseBatchRequest(source, deps.settings));
  await planBatchPage(deps, parseBatchMessage(deps.queue.take(deps.batch.queues.plan), 'plan'));
  return record;
}
