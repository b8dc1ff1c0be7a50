import { MediaCompletionsError } from '../../src/core/errors/MediaCompletionsError';

/** The MediaCompletionsError `promise` rejects with; anything else (or no rejection) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<MediaCompletionsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaCompletionsError) return error;
    throw error;
  }
  throw new Error('expected a MediaCompletionsError');
}
