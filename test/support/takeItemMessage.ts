import { parseBatchMessage, type ItemMessage } from '../../src/core/batch/BatchMessage';
import type { LocalBatchDeps } from './createPlannedBatch';

/** The oldest item message on the in-memory item queue, removed; throws when there is none. */
export function takeItemMessage(deps: LocalBatchDeps): ItemMessage {
  return parseBatchMessage(deps.queue.take(deps.batch.queues.item), 'item');
}
