import { ModelCallError } from '../errors/ModelCallError';
import { OutputError } from '../errors/OutputError';
import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { ErrorDocument, ErrorInfo, SourceInfo } from './documents';

/**
 * The error document of one input: `error` as given, or taken from a MediaCompletionsError (its code, message,
 * `retryable`, `httpStatus`, and a ModelCallError's `attempts`; 0 attempts otherwise: rejected before any call).
 * `now` is epoch milliseconds for `createdAt`.
 */
export function errorDocument(
  source: SourceInfo,
  error: ErrorInfo | MediaCompletionsError,
  now: number,
): ErrorDocument {
  return {
    schemaVersion: 1,
    status: 'failed',
    source,
    error: error instanceof Error ? errorInfoOf(error) : error,
    createdAt: new Date(now).toISOString(),
  };
}

function errorInfoOf(error: MediaCompletionsError): ErrorInfo {
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    attempts: error instanceof ModelCallError ? error.attempts : 0,
    ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    ...(error instanceof OutputError
      ? { validationErrors: error.validationErrors, completion: error.completion }
      : {}),
  };
}
