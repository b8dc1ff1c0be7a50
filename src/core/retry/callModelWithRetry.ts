import { isMediaCompletionsError, type MediaCompletionsError } from '../errors';
import { ModelCallError } from '../ModelCallError';
import type { RetrySettings } from '../PipelineSettings';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { ChatRequest, ModelCallOptions, ModelGateway, ModelResponse } from '../ports/ModelGateway';
import { modelErrorFromResponse } from './modelErrorFromResponse';
import { backoffDelayMs, serverRetryDelayMs } from './retryDelay';

export interface CallModelDeps {
  model: ModelGateway;
  clock: Clock;
  logger: Logger;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
}

export interface ModelCallSuccess<R extends ModelResponse = ModelResponse> {
  response: R;
  attempts: number;
  /** Wall-clock time of all attempts and waits. */
  elapsedMs: number;
}

/**
 * Calls the model until it answers 2xx, a permanent error, or the attempts or the time budget run out. The SDK's
 * own retries are off, so every attempt is counted here. Throws ModelCallError: `retryable: false` for permanent
 * answers (the caller records them), `retryable: true` when transient failures outlasted the budget (the caller
 * rethrows so the host retries later).
 */
export function callModelWithRetry(
  deps: CallModelDeps,
  request: ChatRequest,
  settings: RetrySettings,
): Promise<ModelCallSuccess> {
  return retryModelCall(deps, settings, (options) => deps.model.complete(request, options));
}

/** The retry policy around any one-attempt call (a plain or a streamed completion). */
export async function retryModelCall<R extends ModelResponse>(
  deps: Omit<CallModelDeps, 'model'>,
  settings: RetrySettings,
  send: (options: ModelCallOptions) => Promise<R>,
): Promise<ModelCallSuccess<R>> {
  const { clock, logger } = deps;
  const random = deps.random ?? Math.random;
  const start = clock.now();
  const deadline = start + settings.totalBudgetMs;
  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.max(1, Math.min(settings.attemptTimeoutMs, deadline - clock.now()));
    let failure: MediaCompletionsError;
    let serverDelay: number | undefined;
    try {
      const response = await send({ timeoutMs });
      if (response.status >= 200 && response.status < 300) {
        return { response, attempts: attempt, elapsedMs: clock.now() - start };
      }
      failure = modelErrorFromResponse(response);
      serverDelay = serverRetryDelayMs(response.headers, clock.now());
    } catch (error) {
      if (!isMediaCompletionsError(error)) {
        throw new ModelCallError('model_call_failed', 'The model call failed unexpectedly.', attempt, {
          cause: error,
        });
      }
      failure = error;
    }
    if (!failure.retryable) {
      throw new ModelCallError(failure.code, failure.message, attempt, {
        retryable: false,
        httpStatus: failure.httpStatus,
        cause: failure,
      });
    }
    const delayMs =
      serverDelay ?? backoffDelayMs(attempt, settings.baseDelayMs, settings.maxDelayMs, random());
    const outOfBudget = clock.now() + delayMs >= deadline;
    if (attempt >= settings.maxAttempts || outOfBudget) {
      const why = outOfBudget ? 'the retry time budget is spent' : 'no attempts are left';
      throw new ModelCallError(
        failure.code,
        `${failure.message} (gave up after ${attempt} attempts: ${why})`,
        attempt,
        {
          retryable: true,
          httpStatus: failure.httpStatus,
          cause: failure,
          ...(serverDelay === undefined ? {} : { retryAfterMs: serverDelay }),
        },
      );
    }
    logger.warn('Model call failed; retrying', {
      attempt,
      code: failure.code,
      httpStatus: failure.httpStatus,
      delayMs,
      serverDelay: serverDelay !== undefined,
    });
    await clock.sleep(delayMs);
  }
}
