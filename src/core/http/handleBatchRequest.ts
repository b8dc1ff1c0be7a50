import type { BatchDeps } from '../batch/BatchDeps';
import { cancelBatch } from '../batch/cancelBatch';
import { createBatch } from '../batch/createBatch';
import { getBatchStatus } from '../batch/getBatchStatus';
import { parseBatchRequest } from '../batch/parseBatchRequest';
import { isMediaCompletionsError } from '../errors/MediaCompletionsError';
import { errorAnswer, type JsonAnswer } from './errorAnswer';
import type { HttpRequestLike } from './HttpRequestLike';
import { httpError } from './httpError';
import { readBodyWithin } from './readBodyWithin';

/** The batch API's routes: `POST /api/batches`, `GET /api/batches/{id}`, `POST /api/batches/{id}/cancel`. */
export type BatchRoute = 'create' | 'get' | 'cancel';

/** What the batch handler reads of a request: the core's view plus the URL and route parameters. */
export interface BatchHttpRequest extends HttpRequestLike {
  url: string;
  params: Readonly<Record<string, string | undefined>>;
}

/** Body bigger than any valid request (prompts are capped by MEDIA_MAX_PROMPT_CHARS), in bytes. */
const MAX_BODY_BYTES = 64 * 1024;
/** A batch id as `createBatch` makes them; anything else is no batch. */
const BATCH_ID = /^batch_[0-9a-f]{24}$/;
const NO_SUCH_BATCH: JsonAnswer = {
  status: 404,
  headers: {},
  json: { error: { code: 'not_found', message: 'No such batch.' } },
};

/**
 * The batch API on the shared core, beside `handleCompletionRequest`:
 * - `create` validates the body (at most 64 KiB, refused on Content-Length or as soon as the read passes it),
 *   writes `batches/<id>/batch.json`, enqueues the planner and answers 202 with the batch and its `status_url`
 *   (`Location`), or 200 with the existing batch when an identical request made it before;
 * - `get` answers the status, request counts and token totals from the counters (never a listing);
 * - `cancel` stops new items from starting (in-flight ones finish) and answers the status.
 * An unknown or malformed id is 404 `not_found`; every failure is answered by `errorAnswer`.
 */
export async function handleBatchRequest(
  deps: BatchDeps,
  route: BatchRoute,
  request: BatchHttpRequest,
): Promise<JsonAnswer> {
  try {
    if (route === 'create') return await create(deps, request);
    const id = request.params.id ?? '';
    if (!BATCH_ID.test(id)) return NO_SUCH_BATCH;
    const view = route === 'get' ? await getBatchStatus(deps, id) : await cancelBatch(deps, id);
    return view === undefined ? NO_SUCH_BATCH : { status: 200, headers: {}, json: view };
  } catch (error) {
    return errorAnswer(deps.logger, error);
  }
}

async function create(deps: BatchDeps, request: BatchHttpRequest): Promise<JsonAnswer> {
  let text: string;
  try {
    const bytes = await readBodyWithin(request.body, request.headers.get('content-length'), MAX_BODY_BYTES);
    text = Buffer.from(bytes).toString('utf8');
  } catch (error) {
    if (isMediaCompletionsError(error) && error.code === 'too_large') {
      throw httpError('request_too_large', error.message);
    }
    throw error;
  }
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw httpError('invalid_json', 'The body is not JSON.');
  }
  const { record, created } = await createBatch(deps, parseBatchRequest(body, deps.settings));
  const statusUrl = `${new URL(request.url).origin}/api/batches/${record.id}`;
  const view = await getBatchStatus(deps, record.id);
  return {
    status: created ? 202 : 200,
    headers: { Location: statusUrl },
    json: { ...view, status_url: statusUrl },
  };
}
