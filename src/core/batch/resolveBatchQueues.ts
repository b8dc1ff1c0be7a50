import type { BatchQueues } from './BatchQueues';
import { poisonQueueFor } from './poisonQueueFor';

/** The batch queues, all named after the item queue (`MEDIA_BATCH_QUEUE`): resolved once, in the settings. */
export function resolveBatchQueues(itemQueue: string): BatchQueues {
  const plan = `${itemQueue}-plan`;
  const finalize = `${itemQueue}-finalize`;
  return {
    item: itemQueue,
    plan,
    finalize,
    poison: poisonQueueFor(itemQueue),
    planPoison: poisonQueueFor(plan),
    finalizePoison: poisonQueueFor(finalize),
  };
}
