import type { InvocationContext } from '@azure/functions';
import type { BatchDeps } from '../../core/batch/BatchDeps';
import { isMediaCompletionsError } from '../../core/errors/MediaCompletionsError';
import { batchDeps } from './runtime';

/**
 * Runs one batch queue step and logs its outcome. A message that can never succeed (malformed, or for a batch
 * that does not exist) is logged and acknowledged; anything else that throws is rethrown so the host redelivers.
 */
export async function runBatchStep(
  context: InvocationContext,
  step: (deps: BatchDeps) => Promise<string>,
): Promise<void> {
  let outcome: string;
  try {
    outcome = await step(await batchDeps(context));
  } catch (error) {
    if (
      isMediaCompletionsError(error) &&
      (error.code === 'invalid_message' || error.code === 'batch_not_found')
    ) {
      context.warn(`${context.functionName}: dropped (${error.code})`);
      return;
    }
    throw error;
  }
  context.log(`${context.functionName}: ${outcome}`);
}
