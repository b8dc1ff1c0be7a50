/**
 * The one error base of the project. Every failure that crosses a module boundary is one of these, so that a
 * trigger can decide from `retryable` alone whether to rethrow (the host retries) or to record an error document.
 */
export interface MediaCompletionsErrorOptions {
  /** True when the same input may succeed later (throttling, timeouts, 5xx, resets). */
  retryable?: boolean;
  /** The HTTP status the model service (or storage) answered with, when the failure came from it. */
  httpStatus?: number;
  cause?: unknown;
}

export class MediaCompletionsError extends Error {
  /** A stable, machine-readable code such as `empty_blob` or `content_filter`. */
  readonly code: string;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;

  constructor(code: string, message: string, options: MediaCompletionsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MediaCompletionsError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus;
  }
}

export function isMediaCompletionsError(value: unknown): value is MediaCompletionsError {
  return value instanceof MediaCompletionsError;
}
