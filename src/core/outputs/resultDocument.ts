import type { CompletionResult } from '../completion/CompletionResult';
import type { ResultDocument, SourceInfo } from './documents';

export interface ResultDocumentTimings {
  downloadMs: number;
  totalMs: number;
  /** Epoch milliseconds for `createdAt`. */
  now: number;
}

/** The result document of a completion over one media item (the blob pipeline's and `?save=true`'s). */
export function resultDocument(
  source: SourceInfo & { sha256: string },
  result: CompletionResult,
  timings: ResultDocumentTimings,
): ResultDocument {
  const [media] = result.media;
  const [sent] = result.sent;
  if (media === undefined || sent === undefined || result.media.length !== 1) {
    throw new TypeError('A result document describes exactly one media item.');
  }
  return {
    schemaVersion: 1,
    status: 'succeeded',
    source,
    media,
    sent,
    request: result.request,
    ...(result.analyzer === undefined ? {} : { analyzer: result.analyzer }),
    model: result.model,
    completion: result.completion,
    ...(result.output === undefined ? {} : { output: result.output }),
    ...(result.refusal === undefined ? {} : { refusal: result.refusal }),
    finishReason: result.finishReason,
    ...(result.filteredCategories === undefined ? {} : { filteredCategories: result.filteredCategories }),
    usage: result.usage,
    requestId: result.requestId,
    attempts: result.attempts,
    timings: { downloadMs: timings.downloadMs, modelMs: result.modelMs, totalMs: timings.totalMs },
    createdAt: new Date(timings.now).toISOString(),
  };
}
