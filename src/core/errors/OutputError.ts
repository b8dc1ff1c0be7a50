import { ModelCallError, type ModelCallErrorOptions } from './ModelCallError';

/** The most of the model's text an error keeps (documents and answers stay small). */
const MAX_COMPLETION_CHARS = 2000;

/**
 * A structured output the model did not give (`output_invalid`, `output_truncated`): with the validator's first
 * errors and the start of the model's text, for the error document. Not retryable.
 */
export class OutputError extends ModelCallError {
  readonly validationErrors: string[];
  /** The model's text, cut at 2,000 characters. */
  readonly completion: string;

  constructor(
    code: 'output_invalid' | 'output_truncated',
    message: string,
    attempts: number,
    details: { validationErrors: string[]; completion: string },
    options: ModelCallErrorOptions = {},
  ) {
    super(code, message, attempts, { ...options, retryable: false });
    this.name = 'OutputError';
    this.validationErrors = details.validationErrors;
    this.completion = details.completion.slice(0, MAX_COMPLETION_CHARS);
  }
}
