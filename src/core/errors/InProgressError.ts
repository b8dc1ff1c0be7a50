import { MediaCompletionsError } from './MediaCompletionsError';

/**
 * Another delivery holds the claim on this output for the same source version: no model call was made. The
 * caller should let the host deliver again later; by then the holder's document exists (the redelivery is
 * skipped) or its claim has expired (the redelivery takes it over). `expiresAt` (epoch ms) lets a queue caller
 * that cannot throw any more (its last delivery) schedule the next try instead.
 */
export class InProgressError extends MediaCompletionsError {
  readonly expiresAt: number;

  constructor(message: string, expiresAt: number) {
    super('in_progress', message, { retryable: true });
    this.name = 'InProgressError';
    this.expiresAt = expiresAt;
  }
}
