import type { BatchStatus } from './BatchRecord';

/** The statuses a batch never leaves: nothing plans, counts or finalizes it any more. */
export type EndedBatchStatus = Extract<BatchStatus, 'completed' | 'failed' | 'cancelled'>;

/** Whether a batch in `status` has ended (completed, failed or cancelled). */
export function isEndedBatchStatus(status: BatchStatus): status is EndedBatchStatus {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}
