import { InProgressError } from '../errors/InProgressError';
import {
  recordPoisonBlob,
  type PoisonBlobDeps,
  type PoisonBlobInput,
  type PoisonBlobOutcome,
} from './recordPoisonBlob';

/** Beyond the claim's own expiry: other machines' clocks may run a little behind ours. */
const CLOCK_SKEW_MS = 1000;

/**
 * `recordPoisonBlob` for the poison queue, where nothing else will ever record the blob: a live claim for the
 * version may belong to a delivery that is still producing the outcome, or to one that died without releasing it
 * (its process crashed, or storage was down when it let go). The two cannot be told apart, and acknowledging in
 * the second case loses the input, so this waits until the claim lapses (at most a claim's life: the retry
 * budget plus `claimMarginMs`) and records then: the holder's document if it wrote one (`settled`), else the
 * error document under the claim taken over. A claim live again after the wait is a new delivery's, which
 * records the outcome itself: `in_progress`.
 */
export async function recordPoisonBlobOnceFree(
  deps: PoisonBlobDeps,
  input: PoisonBlobInput,
): Promise<PoisonBlobOutcome | 'in_progress'> {
  try {
    return await recordPoisonBlob(deps, input);
  } catch (error) {
    if (!(error instanceof InProgressError)) throw error;
    const longest = deps.settings.retry.totalBudgetMs + deps.settings.claimMarginMs;
    const wait = Math.min(Math.max(error.expiresAt - deps.clock.now(), 0), longest) + CLOCK_SKEW_MS;
    deps.logger.info('Poison blob held by a live claim; waiting for it to lapse', {
      name: input.name,
      waitMs: wait,
    });
    await deps.clock.sleep(wait);
  }
  try {
    return await recordPoisonBlob(deps, input);
  } catch (error) {
    if (error instanceof InProgressError) return 'in_progress';
    throw error;
  }
}
