import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { ModelCallError } from '../errors/ModelCallError';

const CLIENT_ERRORS: Readonly<Record<string, number>> = {
  invalid_json: 400,
  invalid_form: 400,
  invalid_request: 400,
  invalid_option: 400,
  invalid_base64: 400,
  invalid_url: 400,
  missing_prompt: 400,
  no_media: 400,
  empty_blob: 400,
  too_many_parts: 400,
  url_not_allowed: 400,
  blob_not_allowed: 400,
  blob_not_found: 400,
  invalid_blob_name: 400,
  save_unsupported: 400,
  invalid_override: 400,
  model_not_allowed: 400,
  too_large: 413,
  media_too_large_pixels: 413,
  unsupported_content_type: 415,
  unsupported_media_type: 415,
  invalid_media: 415,
  conversion_timeout: 422,
  too_many_images: 422,
  too_many_audio: 422,
};

/**
 * The status of an HTTP answer for a failure: the client's mistakes are 4xx; the model refusing the input is
 * 422 with the model's own code; the model still throttling after our retries is 429; a model timeout is 504;
 * a configuration fault (our credential, role, deployment or api-version) and anything else upstream (5xx,
 * network, storage) is 502.
 */
export function httpStatusFor(error: MediaCompletionsError): number {
  // Our configuration (credential, role, deployment, api-version) is wrong: the caller's request was fine.
  if (error.errorClass === 'configuration') return 502;
  if (error instanceof ModelCallError) {
    if (error.code === 'rate_limited') return 429;
    if (error.code === 'timeout') return 504;
    const status = error.httpStatus;
    if (error.retryable || status === undefined) return 502;
    if (status === 413 || status === 415) return status;
    return status >= 400 && status < 500 ? 422 : 502;
  }
  return CLIENT_ERRORS[error.code] ?? 502;
}
