import type { KnownErrorCode } from '../errors/errorCodes';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';

/** A client error of an HTTP function: permanent, answered with its code's status in `ERROR_CODES`. */
export function httpError(code: KnownErrorCode, message: string): MediaCompletionsError {
  return new MediaCompletionsError(code, message, { retryable: false });
}
