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
import type { AnalyzerOutput } from '../analyzers/Analyzer';
import { readStructuredOutput } from '../analyzers/readStructuredOutput';
import { OutputError } from '../errors/OutputError';
import type { ResponseFormatSupport } from '../retry/ResponseFormatSupport';

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
  /** The process's response formats per model (see ResponseFormatSupport); absent: always `json_schema`. */
  responseFormats?: ResponseFormatSupport;
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
 * With a structured output (the analyzer's or `input.output`), the text is parsed and validated against its
 * schema: text that is not JSON or not valid is asked for once more, then fails with `output_invalid`; JSON cut
 * at the token limit fails with `output_truncated` at once. A refusal or an empty answer is kept as it is.
 *
 * @throws MediaCompletionsError (`too_large`, `too_many_images`, `too_many_audio`, `no_media`, the media
 *   detection codes, `invalid_override`, `model_not_allowed`, `media_not_accepted`; attempts are 0) or
 *   ModelCallError (the model's permanent code such as `content_filter`, or `rate_limited` / `model_unavailable`
 *   / `timeout` / `network_error` with `retryable: true` when the budget ran out), or OutputError.
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
  let attempts = 0;
  let modelMs = 0;
  const { retry } = deps.settings;
  for (let call = 1; ; call++) {
    // Both calls share one retry budget: claims and the HTTP deadline are sized for one.
    const budget = { ...retry, totalBudgetMs: Math.max(1, retry.totalBudgetMs - modelMs) };
    const answer = await callModelWithRetry(deps, request, budget);
    attempts += answer.attempts;
    modelMs += answer.elapsedMs;
    const body = readCompletionBody(answer.response.body, attempts);
    const output =
      request.output === undefined ? undefined : structuredOutput(request.output, body, attempts);
    // One more call for text the schema refused (models often get it right the second time), while the budget
    // lasts; never for a cut answer.
    const again = call === 1 && modelMs < retry.totalBudgetMs;
    if (output instanceof OutputError && output.code === 'output_invalid' && again) {
      deps.logger.warn('The model answered no valid structured output; asking once more', {
        errors: output.validationErrors.length,
      });
      continue;
    }
    if (output instanceof OutputError) throw output;
    const { headers } = answer.response;
    return {
      media,
      sent,
      request: summary,
      ...(input.analyzer === undefined ? {} : { analyzer: input.analyzer.name }),
      ...body,
      ...(output === undefined ? {} : { output: output.value }),
      requestId: headers['apim-request-id'] ?? headers['x-request-id'] ?? null,
      attempts,
      modelMs,
    };
  }
}

/** The parsed output, `undefined` for a refusal or an empty answer, or why the text is no valid output. */
function structuredOutput(
  output: AnalyzerOutput,
  body: CompletionBody,
  attempts: number,
): { value: unknown } | OutputError | undefined {
  if (body.completion === null || body.refusal !== undefined) return undefined;
  const read = readStructuredOutput(output, body.completion, body.finishReason);
  if (read.ok) return { value: read.value };
  const message =
    read.code === 'output_truncated'
      ? `The structured output "${output.name}" was cut at the token limit (raise max_tokens).`
      : `The model's answer is not valid against the output schema "${output.name}": ${read.errors.join('; ')}`;
  return new OutputError(read.code, message.slice(0, 1000), attempts, {
    validationErrors: read.errors,
    completion: body.completion,
  });
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
