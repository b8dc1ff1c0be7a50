import { app } from '@azure/functions';
import { handleBatchRequest } from '../core/http/handleBatchRequest';
import { httpFunction } from './shared/httpFunction';
import { batchDeps } from './shared/runtime';

/** `POST /api/batches`: creates a batch (see `handleBatchRequest`). */
export const postBatch = httpFunction(batchDeps, (deps, request) =>
  handleBatchRequest(deps, 'create', request),
);

app.http('postBatch', { methods: ['POST'], route: 'batches', authLevel: 'function', handler: postBatch });
