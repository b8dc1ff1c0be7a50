import type { CompletionResult } from './CompletionResult';
import { ModelCallError } from './ModelCallError';
import type { PipelineSettings } from './PipelineSettings';
import type { Clock } from './ports/Clock';
import type { AudioConverter } from './ports/AudioConverter';
import type { ImageConverter } from './ports/ImageConverter';
import type { Logger } from './ports/Logger';
import type { ModelGateway } from './ports/ModelGateway';
import { prepareCompletion, type CompleteInput } from './prepareCompletion';
import { callModelWithRetry } from './retry/callModelWithRetry';
import { isRecord } from './isRecord';

export type { CompleteInput, MediaInput } from './prepareCompletion';

export interface CompleteDeps {
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
export async function complete(deps: CompleteDeps, input: CompleteInput): Promise<CompletionResult> {
  const { media, sent, summary, request } = await prepareCompletion(deps, input);
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

type CompletionBody = Pick<CompletionResult, 'model' | 'completion' | 'finishReason' | 'usage'>;

function readCompletionBody(body: unknown, attempts: number): CompletionBody {
  const choice = isRecord(body) && Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  if (!isRecord(body) || !isRecord(choice)) {
    throw new ModelCallError('invalid_model_response', 'The model answered without any choices.', attempts);
  }
  const message = isRecord(choice.message) ? choice.message : {};
  return {
    model: typeof body.model === 'string' ? body.model : null,
    completion: typeof message.content === 'string' ? message.content : null,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: body.usage ?? null,
  };
}
