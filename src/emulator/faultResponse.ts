import type { FaultKind } from './FaultKind';
import {
  contentFiltered,
  internalServerError,
  permissionDenied,
  serviceUnavailable,
  tooManyRequests,
} from './serviceErrors';
import type { ServiceResponseError } from './ServiceResponseError';

/**
 * The service error an injected fault answers with; `undefined` for `ok` and for the faults that send no answer
 * (`reset`, `hang`). `retryAfterMs` goes into the 429 and 503 answers' retry headers.
 */
export function faultResponse(fault: FaultKind, retryAfterMs: number): ServiceResponseError | undefined {
  switch (fault) {
    case '429-bare':
      return tooManyRequests(undefined);
    case '429':
      return tooManyRequests(retryAfterMs);
    case '500':
      return internalServerError();
    case '503':
      return serviceUnavailable(retryAfterMs);
    case 'content-filter':
      return contentFiltered();
    case '403':
      return permissionDenied();
    default:
      return undefined;
  }
}
