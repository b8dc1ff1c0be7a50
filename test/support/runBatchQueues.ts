import { QueueServiceClient } from '@azure/storage-queue';
import type { ItemMessage } from '../../src/core/batch/BatchMessage';
import type { planBatch as PlanBatch } from '../../src/functions/planBatch';
import type { processBatchItem as ProcessBatchItem } from '../../src/functions/processBatchItem';
import type { FunctionsHarness } from './functionsHarness';
import { receiveAllMessages } from './receiveAllMessages';
import { testConnectionString } from './storage';

/**
 * Runs a posted batch as the host would: every plan message of `<queue>-plan` through `planBatch`, then every item
 * message of `queue` through `processBatchItem` (first deliveries), each with its own InvocationContext.
 */
export async function runBatchQueues(
  harness: FunctionsHarness,
  queue: string,
  handlers: { planBatch: typeof PlanBatch; processBatchItem: typeof ProcessBatchItem },
): Promise<ItemMessage[]> {
  const queues = QueueServiceClient.fromConnectionString(testConnectionString());
  for (const message of await receiveAllMessages(queues, `${queue}-plan`)) {
    await handlers.planBatch(message, harness.context('planBatch', { dequeueCount: 1 }));
  }
  const items = (await receiveAllMessages(queues, queue)) as ItemMessage[];
  for (const message of items) {
    await handlers.processBatchItem(message, harness.context('processBatchItem', { dequeueCount: 1 }));
  }
  return items;
}
