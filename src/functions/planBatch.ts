import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { planBatchPage } from '../core/batch/planBatchPage';
import { runBatchStep } from './shared/runBatchStep';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `<MEDIA_BATCH_QUEUE>-plan`: plans one page of a batch (at most `MEDIA_BATCH_PAGE_SIZE` item
 * messages) and enqueues the next page, so no invocation lists a whole container.
 */
export async function planBatch(message: unknown, context: InvocationContext): Promise<void> {
  await runBatchStep(context, async (deps) => {
    const outcome = await planBatchPage(deps, parseBatchMessage(message, 'plan'));
    return outcome.status;
  });
}

const config = appConfig();
app.storageQueue('planBatch', {
  queueName: config.batch.queues.plan,
  connection: config.storage.setting,
  handler: planBatch,
});
