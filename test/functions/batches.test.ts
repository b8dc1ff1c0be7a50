import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import type { BatchView } from '../../src/core/batch/BatchView';
import type { ItemMessage } from '../../src/core/batch/BatchMessage';
import type * as BatchPoisonModule from '../../src/functions/batchPoison';
import type * as GetBatchModule from '../../src/functions/getBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as PostBatchCancelModule from '../../src/functions/postBatchCancel';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidBatchRequest, expectValidOperationResponse } from '../support/openapi';
import { receiveAllMessages } from '../support/receiveAllMessages';
import { testConnectionString, uniqueName } from '../support/storage';

let harness: FunctionsHarness;
let queue: string;
let post: typeof PostBatchModule;
let get: typeof GetBatchModule;
let cancel: typeof PostBatchCancelModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let poison: typeof BatchPoisonModule;
const queues = QueueServiceClient.fromConnectionString(testConnectionString());

beforeAll(async () => {
  queue = uniqueName('fq');
  harness = await functionsHarness(
    { faultRate: 1, faultKinds: ['503'] },
    { MEDIA_BATCH_QUEUE: queue, MEDIA_RETRY_MAX_ATTEMPTS: '1' },
  );
  post = await import('../../src/functions/postBatch');
  get = await import('../../src/functions/getBatch');
  cancel = await import('../../src/functions/postBatchCancel');
  plan = await import('../../src/functions/planBatch');
  item = await import('../../src/functions/processBatchItem');
  poison = await import('../../src/functions/batchPoison');
});

afterAll(async () => {
  await harness.close();
});

/** POST /api/batches; every answer must match the OpenAPI document. */
async function postJson(body: string): Promise<HttpResponseInit> {
  const answer = await post.postBatch(
    new HttpRequest({ method: 'POST', url: 'https://app.example/api/batches', body: { string: body } }),
    harness.context('postBatch', {}),
  );
  expectValidOperationResponse('/batches', 'post', answer.status ?? 200, answer.jsonBody);
  return answer;
}

/** GET /api/batches/{id} or POST /api/batches/{id}/cancel, checked against the OpenAPI document. */
async function batchCall(kind: 'get' | 'cancel', id: string): Promise<HttpResponseInit> {
  const url = `https://app.example/api/batches/${id}${kind === 'cancel' ? '/cancel' : ''}`;
  const request = new HttpRequest({ method: kind === 'get' ? 'GET' : 'POST', url, params: { id } });
  const answer =
    kind === 'get'
      ? await get.getBatch(request, harness.context('getBatch', {}))
      : await cancel.postBatchCancel(request, harness.context('postBatchCancel', {}));
  const path = kind === 'get' ? '/batches/{id}' : '/batches/{id}/cancel';
  expectValidOperationResponse(path, kind === 'get' ? 'get' : 'post', answer.status ?? 200, answer.jsonBody);
  return answer;
}

const receiveAll = (name: string): Promise<unknown[]> => receiveAllMessages(queues, name);

describe('batch HTTP functions and queue handlers', () => {
  it('answers 400 for a bad body and 404 for an unknown batch', async () => {
    expect(await postJson('{')).toMatchObject({ status: 400, jsonBody: { error: { code: 'invalid_json' } } });
    expect(await postJson('{"detail":"ultra"}')).toMatchObject({
      status: 400,
      jsonBody: {
        error: { code: 'invalid_batch_request', message: expect.stringContaining('detail') as string },
      },
    });
    expect((await batchCall('get', 'batch_000000000000000000000000')).status).toBe(404);
    expect((await batchCall('cancel', 'batch_000000000000000000000000')).status).toBe(404);
  });

  it('describes POST /api/batches bodies in the OpenAPI document, and refuses what the API refuses', () => {
    expectValidBatchRequest({ prefix: 'h/' });
    expectValidBatchRequest({ container: 'media-in', prompt: 'List every object.', max_tokens: 300 });
    expectValidBatchRequest({ manifest: 'media-in/list.jsonl', detail: 'low', force: true });
    expect(() => {
      expectValidBatchRequest({ manifest: 'media-in/list.jsonl', container: 'media-in' });
    }).toThrow();
    expect(() => {
      expectValidBatchRequest({ detail: 'ultra' });
    }).toThrow();
    expect(() => {
      expectValidOperationResponse('/batches/{id}', 'get', 200, { id: 'batch_1', object: 'batch' });
    }).toThrow(/must have required property/);
    expect(() => {
      expectValidOperationResponse('/batches/{id}', 'get', 418, {});
    }).toThrow(/lists no 418/);
  });

  it('creates, plans, cancels and records items through the handlers, poison included', async () => {
    const png = await encodeImage('png', 8, 8);
    await Promise.all(
      ['h/1.png', 'h/2.png', 'h/3.png'].map((name) => harness.blobs.upload(harness.input, name, png)),
    );
    expectValidBatchRequest({ prefix: 'h/' });
    const created = await postJson(JSON.stringify({ prefix: 'h/' }));
    expect(created).toMatchObject({ status: 202, jsonBody: { status: 'validating', object: 'batch' } });
    const { id } = created.jsonBody as BatchView;
    expect(await postJson(JSON.stringify({ prefix: 'h/' }))).toMatchObject({ status: 200, jsonBody: { id } });

    for (const message of await receiveAll(`${queue}-plan`)) {
      await plan.planBatch(message, harness.context('planBatch', { dequeueCount: 1 }));
    }
    const items = (await receiveAll(queue)) as ItemMessage[];
    expect(items.map((one) => one.name).sort()).toEqual(['h/1.png', 'h/2.png', 'h/3.png']);
    const [first, second, third] = items;
    if (first === undefined || second === undefined || third === undefined)
      throw new Error('three items expected');

    // The model always fails: before the last delivery the handler throws so the host redelivers ...
    await expect(
      item.processBatchItem(first, harness.context('processBatchItem', { dequeueCount: 1 })),
    ).rejects.toMatchObject({
      retryable: true,
    });
    // ... on the last one it records the item instead of throwing.
    await item.processBatchItem(first, harness.context('processBatchItem', { dequeueCount: '5' }));
    expectValidErrorDocument(
      (await harness.blobs.readJson(harness.output, `batches/${id}/items/${first.name}.error.json`))?.value,
    );
    // A message that reached the poison queue is recorded too.
    await poison.batchPoison(JSON.stringify(second), harness.context('batchPoison', { dequeueCount: 1 }));
    expect(
      await harness.blobs.readJson(harness.output, `batches/${id}/items/${second.name}.error.json`),
    ).toMatchObject({
      value: { error: { code: 'retries_exhausted' } },
    });

    const cancelled = await batchCall('cancel', id);
    expect(cancelled.jsonBody).toMatchObject({
      status: 'cancelling',
      request_counts: { total: 3, failed: 2 },
    });
    await item.processBatchItem(third, harness.context('processBatchItem', { dequeueCount: 1 }));
    expect(
      await harness.blobs.readJson(harness.output, `batches/${id}/items/${third.name}.error.json`),
    ).toMatchObject({
      value: { error: { code: 'batch_cancelled' } },
    });
    // A malformed message can never succeed: it is dropped, not retried.
    await item.processBatchItem('not json', harness.context('processBatchItem', { dequeueCount: 1 }));

    const finalize = await import('../../src/functions/finalizeBatch');
    for (const message of await receiveAll(`${queue}-finalize`)) {
      await finalize.finalizeBatch(message, harness.context('finalizeBatch', { dequeueCount: 1 }));
    }
    const status = await batchCall('get', id);
    expect(status.jsonBody).toMatchObject({
      status: 'cancelled',
      request_counts: { total: 3, completed: 0, failed: 3, cancelled: 1 },
      output_file: `batches/${id}/results.jsonl`,
    });
  });
});
