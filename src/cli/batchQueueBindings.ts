import type { AppConfig } from '../config';
import { batchQueueNames } from '../core/batch/batchQueueNames';
import type { QueueBinding } from './runQueueWorker';

/** The Functions' own handlers, loaded only here: their modules register with `app` and read settings at load. */
export async function batchQueueBindings(config: AppConfig): Promise<QueueBinding[]> {
  const [items, plan, finalize, poison] = await Promise.all([
    import('../functions/processBatchItem'),
    import('../functions/planBatch'),
    import('../functions/finalizeBatch'),
    import('../functions/batchPoison'),
  ]);
  const queue = config.batch.queue;
  return [
    { queue: batchQueueNames.plan(queue), functionName: 'planBatch', handler: plan.planBatch },
    { queue, functionName: 'processBatchItem', handler: items.processBatchItem },
    { queue: batchQueueNames.poison(queue), functionName: 'batchPoison', handler: poison.batchPoison },
    {
      queue: batchQueueNames.finalize(queue),
      functionName: 'finalizeBatch',
      handler: finalize.finalizeBatch,
    },
  ];
}
