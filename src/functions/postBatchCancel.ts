import { app } from '@azure/functions';
import { handleBatchRequest } from '../core/http/handleBatchRequest';
import { httpFunction } from './shared/httpFunction';
import { batchDeps } from './shared/runtime';

/** `POST /api/batches/{id}/cancel`: cancels a batch (see `handleBatchRequest`). */
export const postBatchCancel = httpFunction(batchDeps, (deps, request) =>
  handleBatchRequest(deps, 'cancel', request),
);

app.http('postBatchCancel', {
  methods: ['POST'],
  route: 'batches/{id}/cancel',
  authLevel: 'function',
  handler: postBatchCancel,
});
