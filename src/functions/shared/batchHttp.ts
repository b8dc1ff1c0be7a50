import type { HttpResponseInit } from '@azure/functions';
import { isMediaCompletionsError } from '../../core/errors/MediaCompletionsError';

/** An error body in the shape the inference API uses: `{ "error": { "code", "message" } }`. */
export function batchErrorResponse(status: number, code: string, message: string): HttpResponseInit {
  return { status, jsonBody: { error: { code, message } } };
}

/** Codes of a batch request the caller must fix. */
const REQUEST_ERRORS = new Set([
  'invalid_batch_request',
  'blob_not_allowed',
  'invalid_blob_name',
  'duplicate_custom_id',
]);

/** Request errors → 400; transient storage trouble → 503 with Retry-After; anything else is rethrown (500). */
export function batchFailure(error: unknown): HttpResponseInit {
  if (isMediaCompletionsError(error)) {
    if (REQUEST_ERRORS.has(error.code)) return batchErrorResponse(400, error.code, error.message);
    if (!error.retryable) throw error;
    return {
      ...batchErrorResponse(503, error.code, 'Storage is temporarily unavailable; try again.'),
      headers: { 'Retry-After': '5' },
    };
  }
  throw error;
}
