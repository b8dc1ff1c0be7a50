import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { cancelBatch } from '../core/batch/cancelBatch';
import { batchDeps } from './shared/runtime';
import { batchErrorResponse, batchFailure } from './shared/batchHttp';

/** `POST /api/batches/{id}/cancel`: no new items start; in-flight ones finish; answers the batch status. */
export async function postBatchCancel(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!/^batch_[0-9a-f]{24}$/.test(id)) return batchErrorResponse(404, 'not_found', 'No such batch.');
  try {
    const view = await cancelBatch(await batchDeps(context), id);
    return view === undefined ? batchErrorResponse(404, 'not_found', 'No such batch.') : { jsonBody: view };
  } catch (error) {
    return batchFailure(error);
  }
}

app.http('postBatchCancel', {
  methods: ['POST'],
  route: 'batches/{id}/cancel',
  authLevel: 'function',
  handler: postBatchCancel,
});
