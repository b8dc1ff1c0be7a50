import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { runBatchItem } from '../core/batch/runBatchItem';
import { runBatchStep } from './shared/runBatchStep';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `<MEDIA_BATCH_QUEUE>-poison`: an item the host stopped delivering gets its
 * `retries_exhausted` error document (unless one exists) and is counted, so the batch can still finish.
 */
export async function batchPoison(message: unknown, context: InvocationContext): Promise<void> {
  await runBatchStep(context, (deps) =>
    runBatchItem(deps, parseBatchMessage(message, 'item'), {
      dequeueCount: deps.batch.maxDequeueCount,
      poisoned: true,
    }),
  );
}

const config = appConfig();
app.storageQueue('batchPoison', {
  queueName: config.batch.queues.poison,
  connection: config.storage.setting,
  handler: batchPoison,
});
