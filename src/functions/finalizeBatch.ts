import { app, type InvocationContext } from '@azure/functions';
import { parseBatchMessage } from '../core/batch/BatchMessage';
import { finalizeBatchPage } from '../core/batch/finalizeBatchPage';
import { runBatchStep } from './shared/runBatchStep';
import { appConfig } from './shared/runtime';

/**
 * Queue trigger on `<MEDIA_BATCH_QUEUE>-finalize`: writes one page of results.jsonl / errors.jsonl as blocks and
 * enqueues the next page; the last page commits the files and completes the batch.
 */
export async function finalizeBatch(message: unknown, context: InvocationContext): Promise<void> {
  await runBatchStep(context, (deps) => finalizeBatchPage(deps, parseBatchMessage(message, 'finalize')));
}

const config = appConfig();
app.storageQueue('finalizeBatch', {
  queueName: config.batch.queues.finalize,
  connection: config.storage.setting,
  handler: finalizeBatch,
});
