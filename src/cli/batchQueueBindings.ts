import type { AppConfig } from '../config';
import type { QueueBinding } from './runQueueWorker';

/** The Functions' own handlers, loaded only here: their modules register with `app` and read settings at load. */
export async function batchQueueBindings(config: AppConfig): Promise<QueueBinding[]> {
  // Without the host, `@azure/functions` warns that it switches to test mode and skips each registration. That is
  // exactly what this worker does on purpose (it calls the handlers itself), so those lines are dropped.
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => {
    if (!String(args[0]).includes('"@azure/functions" package')) warn(...args);
  };
  const [items, plan, finalize, poison, planPoison, finalizePoison] = await Promise.all([
    import('../functions/processBatchItem'),
    import('../functions/planBatch'),
    import('../functions/finalizeBatch'),
    import('../functions/batchPoison'),
    import('../functions/planBatchPoison'),
    import('../functions/finalizeBatchPoison'),
  ]).finally(() => {
    console.warn = warn;
  });
  const queues = config.batch.queues;
  return [
    { queue: queues.plan, functionName: 'planBatch', handler: plan.planBatch },
    { queue: queues.item, functionName: 'processBatchItem', handler: items.processBatchItem },
    { queue: queues.poison, functionName: 'batchPoison', handler: poison.batchPoison },
    { queue: queues.finalize, functionName: 'finalizeBatch', handler: finalize.finalizeBatch },
    { queue: queues.planPoison, functionName: 'planBatchPoison', handler: planPoison.planBatchPoison },
    {
      queue: queues.finalizePoison,
      functionName: 'finalizeBatchPoison',
      handler: finalizePoison.finalizeBatchPoison,
    },
  ];
}
