import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { requeuePoisonedBatchStep } from '../core/batch/requeuePoisonedBatchStep';
import { runBatchStep } from './shared/runBatchStep';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `<MEDIA_BATCH_QUEUE>-finalize-poison`: a finalizer message the host stopped delivering goes back on its
 * queue with a delay a bounded number of times, then the batch is marked `failed` (`requeuePoisonedBatchStep`).
 */
export async function finalizeBatchPoison(message: unknown, context: InvocationContext): Promise<void> {
  await runBatchStep(context, (deps) =>
    requeuePoisonedBatchStep(deps, parseBatchMessage(message, 'finalize')),
  );
}

const config = appConfig();
app.storageQueue('finalizeBatchPoison', {
  queueName: config.batch.queues.finalizePoison,
  connection: config.storage.setting,
  handler: finalizeBatchPoison,
});
