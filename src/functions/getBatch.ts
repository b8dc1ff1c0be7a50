import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getBatchStatus } from '../core/batch/getBatchStatus';
import { batchDeps } from './shared/runtime';
import { batchErrorResponse, batchFailure } from './shared/batchHttp';

/** `GET /api/batches/{id}`: status, request counts and token totals, from the counters (never a listing). */
export async function getBatch(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!/^batch_[0-9a-f]{24}$/.test(id)) return batchErrorResponse(404, 'not_found', 'No such batch.');
  try {
    const view = await getBatchStatus(await batchDeps(context), id);
    return view === undefined ? batchErrorResponse(404, 'not_found', 'No such batch.') : { jsonBody: view };
  } catch (error) {
    return batchFailure(error);
  }
}

app.http('getBatch', { methods: ['GET'], route: 'batches/{id}', authLevel: 'function', handler: getBatch });
