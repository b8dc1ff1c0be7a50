import { MediaCompletionsError } from '../errors/MediaCompletionsError';

/** A client error of the HTTP function: permanent, mapped to its status by `httpStatusFor`. */
export function httpError(code: string, message: string): MediaCompletionsError {
  return new MediaCompletionsError(code, message, { retryable: false });
}
