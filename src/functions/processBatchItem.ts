import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { runBatchItem } from '../core/batch/runBatchItem';
import { runBatchStep } from './shared/runBatchStep';
import { dequeueCountOf } from './shared/dequeueCountOf';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `MEDIA_BATCH_QUEUE`: one batch item through the blob pipeline. Returning acknowledges the
 * message (its document exists and is counted); a retryable failure is rethrown so the host redelivers it, except
 * on the last delivery, which records the item instead. A malformed message or an unknown batch is dropped.
 */
export async function processBatchItem(message: unknown, context: InvocationContext): Promise<void> {
  await runBatchStep(context, (deps) =>
    runBatchItem(deps, parseBatchMessage(message, 'item'), { dequeueCount: dequeueCountOf(context) }),
  );
}

const config = appConfig();
app.storageQueue('processBatchItem', {
  queueName: config.batch.queues.item,
  connection: config.storage.setting,
  handler: processBatchItem,
});
