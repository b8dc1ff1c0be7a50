import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { batchQueueNames } from '../core/batch/batchQueueNames';
import { planBatchPage } from '../core/batch/planBatchPage';
import { batchDeps } from './shared/batchDeps';
import { isDroppedMessage } from './shared/isDroppedMessage';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `<MEDIA_BATCH_QUEUE>-plan`: plans one page of a batch (at most `MEDIA_BATCH_PAGE_SIZE` item
 * messages) and enqueues the next page, so no invocation lists a whole container.
 */
export async function planBatch(message: unknown, context: InvocationContext): Promise<void> {
  try {
    const outcome = await planBatchPage(await batchDeps(context), parseBatchMessage(message, 'plan'));
    context.log(`planBatch: ${outcome.status}`);
  } catch (error) {
    if (isDroppedMessage(error)) {
      context.warn(`planBatch: dropped (${error.code})`);
      return;
    }
    throw error;
  }
}

const config = appConfig();
app.storageQueue('planBatch', {
  queueName: batchQueueNames.plan(config.batch.queue),
  connection: config.storage.setting,
  handler: planBatch,
});
