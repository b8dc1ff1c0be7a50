import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import { ModelCallError } from '../errors/ModelCallError';
import type { RetrySettings } from '../completion/PipelineSettings';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { ChatRequest, ModelCallOptions, ModelGateway, ModelResponse } from '../ports/ModelGateway';
import type { ModelCircuitBreaker } from './ModelCircuitBreaker';
import { modelErrorFromResponse, readErrorBody } from './modelErrorFromResponse';
import { sanitizeServiceMessage } from './sanitizeServiceMessage';
import { backoffDelayMs, rateLimitResetMs, serverRetryDelayMs } from './retryDelay';
import type { ResponseFormatSupport } from './ResponseFormatSupport';
import type { TokenLimitParameter } from './TokenLimitParameter';

export interface CallModelDeps {
  model: ModelGateway;
  clock: Clock;
  logger: Logger;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
  /** The process's breaker: no calls for a while after a configuration fault. Absent: none. */
  breaker?: ModelCircuitBreaker;
  /** The process's choice of `max_tokens` / `max_completion_tokens`. Absent: `max_tokens`, never switched. */
  tokenLimit?: TokenLimitParameter;
  /** The process's knowledge of which models take `json_schema`. Absent: always `json_schema`, never switched. */
  responseFormats?: ResponseFormatSupport;
}

export interface ModelCallSuccess<R extends ModelResponse = ModelResponse> {
  response: R;
  attempts: number;
  /** Wall-clock time of all attempts and waits. */
  elapsedMs: number;
}

/**
 * Calls the model until it answers 2xx, a permanent error, or the attempts or the time budget run out. The SDK's
 * own retries are off, so every attempt is counted here. Throws ModelCallError: `retryable: false` for input
 * errors (the caller records them), `retryable: true` when transient failures outlasted the budget (the caller
 * rethrows so the host retries later), and `errorClass: 'configuration'` at once, without retrying, when the
 * answer shows our configuration is wrong (or the breaker is open since such an answer: then `attempts` is 0).
 */
export function callModelWithRetry(
  deps: CallModelDeps,
  request: ChatRequest,
  settings: RetrySettings,
): Promise<ModelCallSuccess> {
  return retryModelCall(
    deps,
    settings,
    (options) => deps.model.complete(request, options),
    request.output === undefined ? undefined : { model: request.model, adHoc: request.adHocOutput === true },
  );
}

/**
 * The retry policy around any one-attempt call (a plain or a streamed completion). `structured` is set for a
 * request with a structured output: it goes with the response format the process has learnt for its model, and
 * a schema the service refuses is the configuration's fault (`output_schema_refused`) unless the request brought
 * it (`adHoc`: then 400 `invalid_output_schema`, the caller's, which neither opens the breaker nor names a setting).
 */
export async function retryModelCall<R extends ModelResponse>(
  deps: Omit<CallModelDeps, 'model'>,
  settings: RetrySettings,
  send: (options: ModelCallOptions) => Promise<R>,
  structured?: { model: string | undefined; adHoc?: boolean },
): Promise<ModelCallSuccess<R>> {
  const { clock, logger } = deps;
  const random = deps.random ?? Math.random;
  const start = clock.now();
  const deadline = start + settings.totalBudgetMs;
  let renamed = false;
  let reformatted = false;
  for (let attempt = 1; ; attempt++) {
    const open = deps.breaker?.open();
    if (open !== undefined) throw breakerOpenError(open, attempt - 1);
    const timeoutMs = Math.max(1, Math.min(settings.attemptTimeoutMs, deadline - clock.now()));
    let failure: MediaCompletionsError;
    let serverDelay: number | undefined;
    try {
      const responseFormat =
        structured === undefined
          ? undefined
          : (deps.responseFormats?.typeFor(structured.model) ?? 'json_schema');
      const response = await send({
        timeoutMs,
        maxTokensName: deps.tokenLimit?.name ?? 'max_tokens',
        ...(responseFormat === undefined ? {} : { responseFormat }),
      });
      if (response.status >= 200 && response.status < 300) {
        deps.breaker?.record(undefined);
        return { response, attempts: attempt, elapsedMs: clock.now() - start };
      }
      if (!renamed && switchedTokenLimit(deps, response)) {
        // Not a failure of the model: the same request goes again at once under the name the model wants.
        renamed = true;
        attempt--;
        logger.info('The model wants the other token limit parameter; sending it again', {
          name: deps.tokenLimit?.name,
        });
        continue;
      }
      if (
        !reformatted &&
        structured !== undefined &&
        responseFormat !== undefined &&
        deps.responseFormats?.learn(structured.model, responseFormat, response) === true
      ) {
        // Not a failure either: this model takes JSON mode only; the schema goes into the system message.
        reformatted = true;
        attempt--;
        logger.info('The model takes no json_schema response format; asking for json_object', {
          model: structured.model,
        });
        continue;
      }
      failure = modelErrorFromResponse(response);
      if (failure.code === 'output_schema_refused' && structured?.adHoc === true) {
        const said = readErrorBody(response.body).message ?? 'no reason given';
        failure = new MediaCompletionsError(
          'invalid_output_schema',
          `The model service refused the output schema: ${sanitizeServiceMessage(said)}`,
        );
      }
      serverDelay =
        serverRetryDelayMs(response.headers, clock.now()) ??
        (response.status === 429 ? rateLimitResetMs(response.headers) : undefined);
    } catch (error) {
      if (!isMediaCompletionsError(error)) {
        throw new ModelCallError('model_call_failed', 'The model call failed unexpectedly.', attempt, {
          cause: error,
        });
      }
      failure = error;
    }
    deps.breaker?.record(failure);
    if (failure.errorClass !== 'transient') {
      throw new ModelCallError(failure.code, failure.message, attempt, {
        errorClass: failure.errorClass,
        retryable: failure.retryable,
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

/** A 400 `unsupported_parameter` for the token limit name we sent, when the setting lets us switch. */
function switchedTokenLimit(deps: Omit<CallModelDeps, 'model'>, response: ModelResponse): boolean {
  if (response.status !== 400 || deps.tokenLimit === undefined) return false;
  const detail = readErrorBody(response.body);
  return detail.code === 'unsupported_parameter' && deps.tokenLimit.learn(detail.param);
}

/** The fault that keeps the breaker open, as this call's error (no call was made for it). */
export function breakerOpenError(fault: MediaCompletionsError, attempts = 0): ModelCallError {
  return new ModelCallError(fault.code, fault.message, attempts, {
    errorClass: 'configuration',
    httpStatus: fault.httpStatus,
    cause: fault,
  });
}
