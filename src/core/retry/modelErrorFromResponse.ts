import { MediaCompletionsError } from '../errors';
import type { ModelResponse } from '../ports/ModelGateway';
import { isRecord } from '../isRecord';

const PERMANENT_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'request_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
};

const MAX_MESSAGE_CHARS = 500;
/** Long base64-looking runs: an error message that echoes part of the request must not carry the payload. */
const PAYLOAD_LIKE = /[A-Za-z0-9+/=_-]{120,}/g;
const MODEL_CODE = /^[A-Za-z][\w.-]{0,63}$/;

/** Whether a status is worth another attempt: throttling, request timeout and server errors (not 501/505). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * The error a non-2xx answer means. Permanent errors keep the service's own code (e.g. `content_filter`) so
 * that callers and error documents can tell them apart; transient ones get ours.
 */
export function modelErrorFromResponse(response: ModelResponse): MediaCompletionsError {
  const { status } = response;
  const detail = readErrorBody(response.body);
  const message = sanitize(detail.message ?? `The model service answered HTTP ${status}.`);
  if (isRetryableStatus(status)) {
    const code = status === 429 ? 'rate_limited' : status === 408 ? 'timeout' : 'model_unavailable';
    return new MediaCompletionsError(code, message, { retryable: true, httpStatus: status });
  }
  const code =
    detail.code !== undefined && MODEL_CODE.test(detail.code)
      ? detail.code
      : (PERMANENT_CODES[status] ?? `http_${status}`);
  return new MediaCompletionsError(code, message, { retryable: false, httpStatus: status });
}

function readErrorBody(body: unknown): { code?: string; message?: string } {
  if (!isRecord(body)) return typeof body === 'string' && body.length > 0 ? { message: body } : {};
  const error = isRecord(body.error) ? body.error : body;
  return {
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
  };
}

function sanitize(message: string): string {
  const cleaned = message.replace(PAYLOAD_LIKE, '[redacted]');
  return cleaned.length > MAX_MESSAGE_CHARS ? `${cleaned.slice(0, MAX_MESSAGE_CHARS)}…` : cleaned;
}
