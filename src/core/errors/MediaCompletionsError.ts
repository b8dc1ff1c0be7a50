/**
 * The one error base of the project. Every failure that crosses a module boundary is one of these, so that a
 * trigger can decide from `retryable` and `errorClass` alone whether to rethrow (the host retries) or to record
 * an error document.
 */

/**
 * Whose fault a failure is, which decides what every entry point does with it:
 * - `transient`: the service or the network (429, 408, 5xx, resets, timeouts): retried, then the host retries;
 * - `input`: the caller's or the file's (content filter, invalid image, context length): recorded in an error
 *   document that settles the input;
 * - `configuration`: our side (a refused credential, a missing role or deployment, an unsupported api-version,
 *   media routed to a model that does not take it): never retried within a run (one answer is enough to know),
 *   never settles an input, and stops further calls for a while (see ModelCircuitBreaker), so that a re-run
 *   after the fix processes exactly those inputs.
 */
export type ErrorClass = 'transient' | 'input' | 'configuration';

export interface MediaCompletionsErrorOptions {
  /** True when the same input may succeed later (throttling, timeouts, 5xx, resets, a configuration fixed). */
  retryable?: boolean;
  /** Default: `transient` when retryable, else `input`. A `configuration` fault is always retryable. */
  errorClass?: ErrorClass;
  /** The HTTP status the model service (or storage) answered with, when the failure came from it. */
  httpStatus?: number;
  cause?: unknown;
}

export class MediaCompletionsError extends Error {
  /** A stable, machine-readable code such as `empty_blob` or `content_filter`. */
  readonly code: string;
  readonly retryable: boolean;
  readonly errorClass: ErrorClass;
  readonly httpStatus: number | undefined;

  constructor(code: string, message: string, options: MediaCompletionsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MediaCompletionsError';
    this.code = code;
    this.errorClass = options.errorClass ?? (options.retryable === true ? 'transient' : 'input');
    this.retryable = this.errorClass === 'configuration' || (options.retryable ?? false);
    this.httpStatus = options.httpStatus;
  }
}

export function isMediaCompletionsError(value: unknown): value is MediaCompletionsError {
  return value instanceof MediaCompletionsError;
}

/** A fault on our side that no retry of the same call can fix (see ErrorClass). */
export function isConfigurationFault(value: unknown): value is MediaCompletionsError {
  return value instanceof MediaCompletionsError && value.errorClass === 'configuration';
}
