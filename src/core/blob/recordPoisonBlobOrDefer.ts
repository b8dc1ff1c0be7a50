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
 * How many times one poison message is put back behind a live claim. A claim lives at most the retry budget plus
 * the claim margin, so the first put-back outlives the claim that caused it; a claim live again at the next
 * delivery is a newer delivery's (a duplicate event, a scan), which records the outcome itself or fails into
 * its own poison message. The margin of 3 covers a few such newcomers.
 */
export const MAX_POISON_DEFERRALS = 3;

export interface PoisonBlobDeferrable extends PoisonBlobInput {
  /** How many times this poison message was already put back (0 for the host's own message). */
  deferrals: number;
}

/**
 * - `deferred`: a live claim holds the version; put the message back, invisible `delaySeconds` (the claim's
 *   remaining life plus a clock skew allowance, whole seconds), and acknowledge this delivery;
 * - `in_progress`: a live claim after `MAX_POISON_DEFERRALS` put-backs: its holder records the outcome;
 * - otherwise `recordPoisonBlob`'s outcome.
 */
export type PoisonBlobDecision =
  { outcome: PoisonBlobOutcome | 'in_progress' } | { outcome: 'deferred'; delaySeconds: number };

/**
 * `recordPoisonBlob` for the poison queue, where nothing else will ever record the blob. A live claim for the
 * version may belong to a delivery that is still producing the outcome, or to one that died without releasing
 * it (its process crashed, or storage was down when it let go). The two cannot be told apart, and acknowledging
 * in the second case loses the input; waiting inside the invocation for the claim to lapse (up to the retry
 * budget plus `claimMarginMs`, 300 s at defaults) outlasts the host's `functionTimeout`. So the caller puts
 * the message back with a visibility delay that outlasts the claim and returns at once; the later delivery finds
 * the holder's document (`settled`) or takes the lapsed claim over and writes the error document (`recorded`).
 * Never sleeps.
 *
 * @throws what `recordPoisonBlob` throws, except `InProgressError` (a decision here).
 */
export async function recordPoisonBlobOrDefer(
  deps: PoisonBlobDeps,
  input: PoisonBlobDeferrable,
): Promise<PoisonBlobDecision> {
  try {
    return { outcome: await recordPoisonBlob(deps, input) };
  } catch (error) {
    if (!(error instanceof InProgressError)) throw error;
    if (input.deferrals >= MAX_POISON_DEFERRALS) return { outcome: 'in_progress' };
    const longest = deps.settings.retry.totalBudgetMs + deps.settings.claimMarginMs;
    const remaining = Math.min(Math.max(error.expiresAt - deps.clock.now(), 0), longest);
    const delaySeconds = Math.ceil((remaining + CLOCK_SKEW_MS) / 1000);
    deps.logger.info('Poison blob held by a live claim; put back until it lapses', {
      name: input.name,
      delaySeconds,
    });
    return { outcome: 'deferred', delaySeconds };
  }
}
