import { isMediaCompletionsError } from '../../core/errors';

/** A message that can never succeed (malformed, or for a batch that does not exist): log and acknowledge it. */
export function isDroppedMessage(error: unknown): error is Error & { code: string } {
  return (
    isMediaCompletionsError(error) && (error.code === 'invalid_message' || error.code === 'batch_not_found')
  );
}
