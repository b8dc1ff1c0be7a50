import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { createBatch } from '../core/batch/createBatch';
import { isMediaCompletionsError } from '../core/errors/MediaCompletionsError';
import { readBodyWithin } from '../core/http/readBodyWithin';
import { getBatchStatus } from '../core/batch/getBatchStatus';
import { parseBatchRequest } from '../core/batch/parseBatchRequest';
import { batchDeps } from './shared/runtime';
import { batchErrorResponse, batchFailure } from './shared/batchHttp';

/** Body bigger than any valid request (prompts are capped by MEDIA_MAX_PROMPT_CHARS), in bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * `POST /api/batches`: validates the request, writes `batches/<id>/batch.json` and enqueues the planner; answers
 * 202 with the batch and its status URL (200 with the existing batch when an identical request made it before).
 */
export async function postBatch(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let text: string;
  try {
    // Refused on Content-Length, or as soon as the read passes the cap: an oversized body is never held.
    const bytes = await readBodyWithin(request.body, request.headers.get('content-length'), MAX_BODY_BYTES);
    text = Buffer.from(bytes).toString('utf8');
  } catch (error) {
    if (isMediaCompletionsError(error) && error.code === 'too_large') {
      return batchErrorResponse(413, 'request_too_large', error.message);
    }
    throw error;
  }
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return batchErrorResponse(400, 'invalid_json', 'The body is not JSON.');
  }
  try {
    const deps = await batchDeps(context);
    const { record, created } = await createBatch(deps, parseBatchRequest(body, deps.settings));
    const statusUrl = `${new URL(request.url).origin}/api/batches/${record.id}`;
    const view = await getBatchStatus(deps, record.id);
    return {
      status: created ? 202 : 200,
      headers: { Location: statusUrl },
      jsonBody: { ...view, status_url: statusUrl },
    };
  } catch (error) {
    return batchFailure(error);
  }
}

app.http('postBatch', { methods: ['POST'], route: 'batches', authLevel: 'function', handler: postBatch });
