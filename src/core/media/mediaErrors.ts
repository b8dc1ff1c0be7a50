import { MediaCompletionsError } from '../errors/MediaCompletionsError';

/** A recognised signature whose header is truncated or corrupt: the file is broken, retrying cannot help. */
export function invalidMedia(message: string): MediaCompletionsError {
  return new MediaCompletionsError('invalid_media', message, { retryable: false });
}
