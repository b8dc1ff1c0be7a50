import { app } from '@azure/functions';
import { handleBatchRequest } from '../core/http/handleBatchRequest';
import { httpFunction } from './shared/httpFunction';
import { batchDeps } from './shared/runtime';

/** `GET /api/batches/{id}`: a batch's status (see `handleBatchRequest`). */
export const getBatch = httpFunction(batchDeps, (deps, request) => handleBatchRequest(deps, 'get', request));

app.http('getBatch', { methods: ['GET'], route: 'batches/{id}', authLevel: 'function', handler: getBatch });
