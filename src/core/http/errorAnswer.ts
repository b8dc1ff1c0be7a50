import { isMediaCompletionsError, type MediaCompletionsError } from '../errors/MediaCompletionsError';
import { errorCodeInfo } from '../errors/errorCodes';
import { ModelCallError } from '../errors/ModelCallError';
import type { Logger } from '../ports/Logger';
import { httpStatusFor } from './httpStatusFor';

/** A JSON answer of an HTTP function. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  json: unknown;
}

/**
 * The one way every HTTP function (completions and the batch API) answers a failure, in the shape the
 * inference API uses: `{"error":{"code","message"}}` with the status `httpStatusFor` gives and `Retry-After`
 * (seconds) where the error table has one (429: the model's own hint when it gave one). A configuration fault
 * answers 502 `model_configuration` with the service's code and status (`modelCode`, `modelStatus`); anything
 * that is not a MediaCompletionsError is a 500 `internal_error` whose details stay in the log (its name only).
 */
export function errorAnswer(logger: Logger, error: unknown, fields: { id?: string } = {}): JsonAnswer {
  if (!isMediaCompletionsError(error)) {
    logger.error('HTTP request failed unexpectedly', {
      ...fields,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return {
      status: 500,
      headers: {},
      json: { error: { code: 'internal_error', message: 'The request failed unexpectedly.' } },
    };
  }
  const status = httpStatusFor(error);
  const info = errorCodeInfo(error.code);
  logger.warn('HTTP request refused', { ...fields, code: error.code, status, attempts: attemptsOf(error) });
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterSeconds(error, info?.retryAfterSeconds);
  if ((status === 429 || status === 503) && retryAfter !== undefined)
    headers['retry-after'] = String(retryAfter);
  if (error.errorClass === 'configuration') {
    // One code for the caller to act on (tell the operator), with what the service said for the operator.
    return {
      status,
      headers,
      json: {
        error: {
          code: 'model_configuration',
          message: error.message,
          modelCode: error.code,
          ...(error.httpStatus === undefined ? {} : { modelStatus: error.httpStatus }),
        },
      },
    };
  }
  const message = info?.publicMessage ?? error.message;
  return { status, headers, json: { error: { code: error.code, message } } };
}

function attemptsOf(error: MediaCompletionsError): number {
  return error instanceof ModelCallError ? error.attempts : 0;
}

function retryAfterSeconds(error: MediaCompletionsError, fallback: number | undefined): number | undefined {
  const ms = error instanceof ModelCallError ? error.retryAfterMs : undefined;
  return ms === undefined ? fallback : Math.max(1, Math.ceil(ms / 1000));
}
