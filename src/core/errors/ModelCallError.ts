import { MediaCompletionsError, type MediaCompletionsErrorOptions } from './MediaCompletionsError';

export interface ModelCallErrorOptions extends MediaCompletionsErrorOptions {
  /** The wait the service last asked for, when it gave one (an HTTP caller relays it as `Retry-After`). */
  retryAfterMs?: number;
}

/** A model call that failed for good or ran out of budget; `attempts` goes into the error document. */
export class ModelCallError extends MediaCompletionsError {
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, attempts: number, options: ModelCallErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ModelCallError';
    this.attempts = attempts;
    this.retryAfterMs = options.retryAfterMs;
  }
}
