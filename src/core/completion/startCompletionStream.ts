import type { CompleteMediaDeps } from './completeMedia';
import type { CompletionStreamEvent } from './CompletionStreamEvent';
import { filteredCategories } from './filteredCategories';
import { isRecord } from '../json/isRecord';
import type { MediaInfo } from '../media/MediaInfo';
import { prepareCompletion, type CompleteMediaInput } from './prepareCompletion';
import type { RequestSummary } from './RequestSummary';
import { breakerOpenError, retryModelCall } from '../retry/callModelWithRetry';
import type { SentMedia } from './SentMedia';

export interface CompletionStream {
  media: MediaInfo[];
  sent: SentMedia[];
  request: RequestSummary;
  /** The analyzer that runs (when one applies). */
  analyzer?: string;
  requestId: string | null;
  attempts: number;
  /** Time until the model started answering, retry waits included. */
  modelMs: number;
  /** Read once. Throws MediaCompletionsError (`timeout`, `network_error`) if the stream breaks off. */
  events: AsyncIterable<CompletionStreamEvent>;
}

/**
 * `completeMedia` with the answer streamed: the same checks and request, and the same retry policy up to the first
 * byte of a 2xx answer. After that nothing is retried, since deltas may already have been relayed.
 *
 * @throws the same errors as `completeMedia`, before any event.
 */
export async function startCompletionStream(
  deps: CompleteMediaDeps,
  input: CompleteMediaInput,
): Promise<CompletionStream> {
  const completeStream = deps.model.completeStream?.bind(deps.model);
  if (completeStream === undefined) {
    throw new TypeError('This model gateway cannot stream completions.');
  }
  // While the breaker is open no request can go out: spare the preparation (image conversion, encoding).
  const blocked = deps.breaker?.blocking();
  if (blocked !== undefined) throw breakerOpenError(blocked);
  const prepared = await prepareCompletion(deps, input);
  const { response, attempts, elapsedMs } = await retryModelCall(deps, deps.settings.retry, (options) =>
    completeStream(prepared.request, options),
  );
  const { chunks } = response;
  if (chunks === undefined) throw new TypeError('A 2xx streamed answer came without its chunks.');
  return {
    media: prepared.media,
    sent: prepared.sent,
    request: prepared.summary,
    ...(input.analyzer === undefined ? {} : { analyzer: input.analyzer.name }),
    requestId: response.headers['apim-request-id'] ?? response.headers['x-request-id'] ?? null,
    attempts,
    modelMs: elapsedMs,
    events: completionEvents(chunks),
  };
}

/**
 * Azure's chunks: a first one with `choices: []` and only `prompt_filter_results`, content deltas, chunks that
 * only annotate (`content_filter_results`, empty delta), a `finish_reason`, and a last one with `choices: []` and
 * the `usage`. Refusal text arrives as `delta.refusal`.
 */
async function* completionEvents(chunks: AsyncIterable<unknown>): AsyncGenerator<CompletionStreamEvent> {
  let model: string | null = null;
  let finishReason: string | null = null;
  let usage: unknown = null;
  const filtered = new Set<string>();
  for await (const chunk of chunks) {
    if (!isRecord(chunk)) continue;
    if (typeof chunk.model === 'string' && chunk.model !== '') model = chunk.model;
    if (isRecord(chunk.usage)) usage = chunk.usage;
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) continue;
    if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
    for (const category of filteredCategories(choice.content_filter_results)) filtered.add(category);
    const delta = isRecord(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string' && delta.content !== '') {
      yield { type: 'delta', content: delta.content };
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      yield { type: 'refusal', refusal: delta.refusal };
    }
  }
  yield { type: 'done', model, finishReason, filteredCategories: [...filtered], usage };
}
