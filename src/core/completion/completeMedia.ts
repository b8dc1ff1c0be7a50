import type { CompletionResult } from './CompletionResult';
import { ModelCallError } from '../errors/ModelCallError';
import type { PipelineSettings } from './PipelineSettings';
import type { Clock } from '../ports/Clock';
import type { AudioConverter } from '../ports/AudioConverter';
import type { ImageConverter } from '../ports/ImageConverter';
import type { Logger } from '../ports/Logger';
import type { ModelGateway } from '../ports/ModelGateway';
import { prepareCompletion, type CompleteMediaInput } from './prepareCompletion';
import { breakerOpenError, callModelWithRetry } from '../retry/callModelWithRetry';
import type { ModelCircuitBreaker } from '../retry/ModelCircuitBreaker';
import type { TokenLimitParameter } from '../retry/TokenLimitParameter';
import { filteredCategories } from './filteredCategories';
import { isRecord } from '../json/isRecord';

export type { CompleteMediaInput, MediaInput } from './prepareCompletion';

export interface CompleteMediaDeps {
  model: ModelGateway;
  clock: Clock;
  logger: Logger;
  settings: PipelineSettings;
  /** Jitter source for retries; tests pin it. */
  random?: () => number;
  /** Decodes audio the model does not take as is (m4a, ogg, non-PCM WAV, ...); absent: only WAV and MP3. */
  audio?: AudioConverter;
  /**
   * Converts images to what the service accepts and scales them to what the model uses; absent: images the service
   * accepts are sent as they are, the others refused.
   */
  images?: ImageConverter;
  /** The process's breaker after configuration faults (see ModelCircuitBreaker); absent: none. */
  breaker?: ModelCircuitBreaker;
  /** The process's token limit parameter name (see TokenLimitParameter); absent: `max_tokens`. */
  tokenLimit?: TokenLimitParameter;
}

export interface CompleteMediaOptions {
  /**
   * Runs once, after the preparation and before the first model request; what it throws ends the call. The
   * blob pipeline claims its output here, so an input refused during preparation (empty, unsupported, an invalid
   * override) never pays for a claim.
   */
  beforeModelCall?: () => Promise<void>;
}

/**
 * Media in, completion out: checks sizes and counts, detects each item's type from its bytes, validates the
 * overrides, builds the chat request and calls the model under the retry policy.
 *
 * @throws MediaCompletionsError (`too_large`, `too_many_images`, `too_many_audio`, `no_media`, the media
 *   detection codes, `invalid_override`, `model_not_allowed`; attempts are 0) or ModelCallError (the model's
 *   permanent code such as `content_filter`, or `rate_limited` / `model_unavailable` / `timeout` /
 *   `network_error` with `retryable: true` when the budget ran out).
 */
export async function completeMedia(
  deps: CompleteMediaDeps,
  input: CompleteMediaInput,
  options: CompleteMediaOptions = {},
): Promise<CompletionResult> {
  // While the breaker is open no request can go out: spare the preparation (image conversion, encoding).
  const blocked = deps.breaker?.blocking();
  if (blocked !== undefined) throw breakerOpenError(blocked);
  const { media, sent, summary, request } = await prepareCompletion(deps, input);
  await options.beforeModelCall?.();
  const { response, attempts, elapsedMs } = await callModelWithRetry(deps, request, deps.settings.retry);
  const body = readCompletionBody(response.body, attempts);
  return {
    media,
    sent,
    request: summary,
    ...body,
    requestId: response.headers['apim-request-id'] ?? response.headers['x-request-id'] ?? null,
    attempts,
    modelMs: elapsedMs,
  };
}

type CompletionBody = Pick<
  CompletionResult,
  'model' | 'completion' | 'refusal' | 'finishReason' | 'filteredCategories' | 'usage'
>;

/**
 * The first choice of a chat completion. A refusal (`content` null or empty, `message.refusal` set) is kept as
 * such, never as an empty completion; a `content_filter` finish keeps the flagged categories; `usage` is copied
 * verbatim (its `*_tokens_details` and totals that are not the sum of the parts included).
 */
function readCompletionBody(body: unknown, attempts: number): CompletionBody {
  const choice = isRecord(body) && Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  if (!isRecord(body) || !isRecord(choice)) {
    throw new ModelCallError('invalid_model_response', 'The model answered without any choices.', attempts);
  }
  const message = isRecord(choice.message) ? choice.message : {};
  const content = typeof message.content === 'string' ? message.content : null;
  const refusal = typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : undefined;
  const filtered = filteredCategories(choice.content_filter_results);
  return {
    model: typeof body.model === 'string' ? body.model : null,
    completion: refusal !== undefined && content === '' ? null : content,
    ...(refusal === undefined ? {} : { refusal }),
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    ...(filtered.length === 0 ? {} : { filteredCategories: filtered }),
    usage: body.usage ?? null,
  };
}
