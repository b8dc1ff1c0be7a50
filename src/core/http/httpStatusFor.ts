import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { errorCodeInfo } from '../errors/errorCodes';
import { ModelCallError } from '../errors/ModelCallError';

/**
 * The status of an HTTP answer for a failure, from the error table (`ERROR_CODES`): the caller's mistakes are
 * 4xx; a configuration fault (our credential, role, deployment or api-version) is 502 whatever its code, since
 * the caller's request was fine; the model refusing the input is 422 with the model's own code (its 413 and
 * 415 kept); a code the table does not know is 502.
 */
export function httpStatusFor(error: MediaCompletionsError): number {
  if (error.errorClass === 'configuration') return 502;
  if (error instanceof ModelCallError && error.errorClass === 'input' && error.httpStatus !== undefined) {
    const status = error.httpStatus;
    if (status === 413 || status === 415) return status;
    return status >= 400 && status < 500 ? 422 : 502;
  }
  return errorCodeInfo(error.code)?.httpStatus ?? 502;
}
