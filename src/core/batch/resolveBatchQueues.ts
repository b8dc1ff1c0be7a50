import type { BatchQueues } from './BatchQueues';
import { poisonQueueFor } from './poisonQueueFor';

/** The batch queues, all named after the item queue (`MEDIA_BATCH_QUEUE`): resolved once, in the settings. */
export function resolveBatchQueues(itemQueue: string): BatchQueues {
  return {
    item: itemQueue,
    plan: `${itemQueue}-plan`,
    finalize: `${itemQueue}-finalize`,
    poison: poisonQueueFor(itemQueue),
  };
}
