import type { InvocationContext } from '@azure/functions';
import { createBatchClients, type BatchClients } from '../../adapters/createBatchClients';
import type { BatchDeps } from '../../core/batch/BatchDeps';
import { appConfig, pipelineDeps } from './runtime';

let clients: Promise<BatchClients> | undefined;

/** The pipeline's dependencies plus the queue and block clients, created once per process. */
export async function batchDeps(context: InvocationContext): Promise<BatchDeps> {
  clients ??= createBatchClients(appConfig().storage).catch((error: unknown) => {
    clients = undefined;
    throw error;
  });
  const [pipeline, batch] = await Promise.all([pipelineDeps(context), clients]);
  return { ...pipeline, ...batch, batch: appConfig().batch };
}
