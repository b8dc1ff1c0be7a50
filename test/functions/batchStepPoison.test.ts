import { HttpRequest } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import type { BatchView } from '../../src/core/batch/BatchView';
import type { FinalizeMessage, PlanMessage } from '../../src/core/batch/BatchMessage';
import { MAX_BATCH_STEP_REQUEUES } from '../../src/core/batch/requeuePoisonedBatchStep';
import type * as FinalizeBatchPoisonModule from '../../src/functions/finalizeBatchPoison';
import type * as GetBatchModule from '../../src/functions/getBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PlanBatchPoisonModule from '../../src/functions/planBatchPoison';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidOperationResponse } from '../support/openapi';
import { receiveAllMessages } from '../support/receiveAllMessages';
import { testConnectionString, uniqueName } from '../support/storage';

let harness: FunctionsHarness;
let queue: string;
let post: typeof PostBatchModule;
let get: typeof GetBatchModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let planPoison: typeof PlanBatchPoisonModule;
let finalizePoison: typeof FinalizeBatchPoisonModule;
const queues = QueueServiceClient.fromConnectionString(testConnectionString());

beforeAll(async () => {
  queue = uniqueName('sp');
  harness = await functionsHarness({}, { MEDIA_BATCH_QUEUE: queue });
  post = await import('../../src/functions/postBatch');
  get = await import('../../src/functions/getBatch');
  plan = await import('../../src/functions/planBatch');
  item = await import('../../src/functions/processBatchItem');
  planPoison = await import('../../src/functions/planBatchPoison');
  finalizePoison = await import('../../src/functions/finalizeBatchPoison');
});

afterAll(async () => {
  await harness.close();
});

/** Messages on `name`, the invisible (delayed) ones included. */
async function messageCount(name: string): Promise<number> {
  return (await queues.getQueueClient(name).getProperties()).approximateMessagesCount ?? 0;
}

async function status(id: string): Promise<BatchView> {
  const answer = await get.getBatch(
    new HttpRequest({ method: 'GET', url: `https://app.example/api/batches/${id}`, params: { id } }),
    harness.context('getBatch', {}),
  );
  expectValidOperationResponse('/batches/{id}', 'get', answer.status ?? 200, answer.jsonBody);
  return answer.jsonBody as BatchView;
}

const deliveredOnce = (name: string) => harness.context(name, { dequeueCount: 1 });

it('puts poisoned planner and finalizer messages back, delayed, then fails the batch with the reason', async () => {
  const png = await encodeImage('png', 8, 8);
  await Promise.all(['p/1.png', 'p/2.png'].map((name) => harness.blobs.upload(harness.input, name, png)));
  const created = await post.postBatch(
    new HttpRequest({
      method: 'POST',
      url: 'https://app.example/api/batches',
      body: { string: JSON.stringify({ prefix: 'p/' }) },
    }),
    harness.context('postBatch', {}),
  );
  const { id } = created.jsonBody as BatchView;
  const [planned] = (await receiveAllMessages(queues, `${queue}-plan`)) as PlanMessage[];
  if (planned === undefined) throw new Error('a plan message expected');

  // The host gave up on the planner's message: it goes back on the plan queue, invisible for a while.
  await planPoison.planBatchPoison(planned, deliveredOnce('planBatchPoison'));
  expect(await messageCount(`${queue}-plan`)).toBe(1);
  expect(await receiveAllMessages(queues, `${queue}-plan`)).toEqual([]);
  expect((await status(id)).status).toBe('validating');
  // Delivered later (with its count of rounds), the page is planned as usual.
  await plan.planBatch({ ...planned, requeues: 1 }, deliveredOnce('planBatch'));
  for (const message of await receiveAllMessages(queues, queue)) {
    await item.processBatchItem(message, deliveredOnce('processBatchItem'));
  }
  const [finalizing] = (await receiveAllMessages(queues, `${queue}-finalize`)) as FinalizeMessage[];
  if (finalizing === undefined) throw new Error('a finalize message expected');
  expect((await status(id)).status).toBe('finalizing');

  // The finalizer's message too, until its rounds are spent: then the batch fails, saying why.
  await finalizePoison.finalizeBatchPoison(
    { ...finalizing, requeues: MAX_BATCH_STEP_REQUEUES - 1 },
    deliveredOnce('finalizeBatchPoison'),
  );
  expect(await messageCount(`${queue}-finalize`)).toBe(1);
  expect((await status(id)).status).toBe('finalizing');
  await finalizePoison.finalizeBatchPoison(
    JSON.stringify({ ...finalizing, requeues: MAX_BATCH_STEP_REQUEUES }),
    deliveredOnce('finalizeBatchPoison'),
  );
  const failed = await status(id);
  expect(failed).toMatchObject({
    status: 'failed',
    failed_at: expect.any(Number) as number,
    errors: [
      {
        code: 'retries_exhausted',
        message: expect.stringContaining('finalization page 0 failed 20 deliveries') as string,
      },
    ],
  });

  // A late poisoned step of a batch that has ended changes nothing and queues nothing.
  await planPoison.planBatchPoison(planned, deliveredOnce('planBatchPoison'));
  expect(await messageCount(`${queue}-plan`)).toBe(1);
  expect((await status(id)).status).toBe('failed');
  expect(harness.logs.some((line) => line.includes('planBatchPoison: already failed'))).toBe(true);
});
