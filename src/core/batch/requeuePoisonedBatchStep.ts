import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BatchDeps } from './BatchDeps';
import type { FinalizeMessage, PlanMessage } from './BatchMessage';
import { readBatchRecord } from './batchRecordStore';
import { failBatch } from './failBatch';
import { isEndedBatchStatus, type EndedBatchStatus } from './isEndedBatchStatus';

/** Rounds of `maxDequeueCount` deliveries a planner or finalizer message gets after its first, before the batch fails. */
export const MAX_BATCH_STEP_REQUEUES = 3;
/** The first round's delay; each next one doubles it (60, 120, 240 s): long enough for storage or a deploy to recover. */
const FIRST_REQUEUE_DELAY_SECONDS = 60;

export type PoisonedStepOutcome = 'requeued' | 'failed' | `already ${EndedBatchStatus}`;

/**
 * For a planner or finalizer message the host moved to its poison queue (`<queue>-plan-poison`,
 * `<queue>-finalize-poison`) after `maxDequeueCount` failed deliveries. Without this the batch would stay
 * `in_progress` (or `finalizing`) forever: nothing else plans the rest or writes the results. The step goes back
 * on its queue, delayed, `MAX_BATCH_STEP_REQUEUES` times (`requeues` in the message counts them); after that the
 * batch is marked `failed` with a `retries_exhausted` entry in `errors` that names the step. A batch already
 * completed, failed or cancelled is left alone. Each step is idempotent per page, so a round that overlaps a
 * late delivery does no harm.
 *
 * @throws MediaCompletionsError `batch_not_found` (permanent) when the batch record is gone; storage errors
 *   (transient) from the record read, the send or the record update.
 */
export async function requeuePoisonedBatchStep(
  deps: BatchDeps,
  message: PlanMessage | FinalizeMessage,
): Promise<PoisonedStepOutcome> {
  const record = await readBatchRecord(deps.blobs, deps.settings.outputContainer, message.batchId);
  if (record === undefined) {
    throw new MediaCompletionsError('batch_not_found', `Batch ${message.batchId} does not exist.`);
  }
  if (isEndedBatchStatus(record.status)) return `already ${record.status}`;
  const requeues = message.requeues ?? 0;
  const step = `${message.type === 'plan' ? 'planning' : 'finalization'} page ${message.page}`;
  if (requeues < MAX_BATCH_STEP_REQUEUES) {
    const delaySeconds = FIRST_REQUEUE_DELAY_SECONDS * 2 ** requeues;
    const queue = message.type === 'plan' ? deps.batch.queues.plan : deps.batch.queues.finalize;
    await deps.queue.send(queue, { ...message, requeues: requeues + 1 }, { delaySeconds });
    deps.logger.warn('Batch step poisoned; queued again', { batchId: record.id, step, delaySeconds });
    return 'requeued';
  }
  const deliveries = deps.batch.maxDequeueCount * (requeues + 1);
  await failBatch(deps, record.id, {
    code: 'retries_exhausted',
    message:
      `The batch's ${step} failed ${deliveries} deliveries (${requeues + 1} rounds of ` +
      `${deps.batch.maxDequeueCount}); the batch cannot finish. Look for the step's failures in the logs, ` +
      'fix the cause and post the batch again with `force: true`.',
  });
  deps.logger.warn('Batch failed: a step was poisoned too often', { batchId: record.id, step });
  return 'failed';
}
