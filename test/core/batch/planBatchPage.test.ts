import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import type { BatchDeps } from '../../../src/core/batch/BatchDeps';
import { parseBatchMessage } from '../../../src/core/batch/BatchMessage';
import { readBatchRecord } from '../../../src/core/batch/batchRecordStore';
import { createBatch } from '../../../src/core/batch/createBatch';
import { parseBatchRequest } from '../../../src/core/batch/parseBatchRequest';
import { planBatchPage } from '../../../src/core/batch/planBatchPage';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';

let harness: BatchHarness;

beforeAll(async () => {
  harness = await batchHarness();
});

afterAll(async () => {
  await harness.close();
});

describe('planBatchPage', () => {
  it('plans more blobs than one listing page (5,001), one page per invocation, never the whole listing', async () => {
    const count = 5_001;
    await harness.seed(count, new Uint8Array([1]), 'many/');
    const listed: number[] = [];
    const queue = new MemoryWorkQueue();
    const deps: BatchDeps = {
      ...harness.batchDeps,
      queue,
      // The real store, observed: every listing of the input records how many blobs it brought into memory.
      blobs: Object.assign(Object.create(harness.blobs) as BatchDeps['blobs'], {
        listPage: async (...args: Parameters<BatchDeps['blobs']['listPage']>) => {
          const page = await harness.blobs.listPage(...args);
          if (args[0] === harness.input) listed.push(page.items.length);
          return page;
        },
      }),
    };
    const planQueue = deps.batch.queues.plan;
    const { record } = await createBatch(
      deps,
      parseBatchRequest({ container: harness.input, prefix: 'many/' }, deps.settings),
    );
    const outcomes = [];
    const queuedPerInvocation: number[] = [];
    for (let message = queue.take(planQueue); message !== undefined; message = queue.take(planQueue)) {
      const plan = parseBatchMessage(message, 'plan');
      const before = queue.size(deps.batch.queues.item);
      outcomes.push(await planBatchPage(deps, plan));
      queuedPerInvocation.push(queue.size(deps.batch.queues.item) - before);
      // A redelivered page that was planned already changes nothing.
      if (outcomes.length === 1) expect(await planBatchPage(deps, plan)).toEqual({ status: 'duplicate' });
    }
    // Six invocations of at most 1,000 blobs each (MEDIA_BATCH_PAGE_SIZE): one page in memory at a time, each
    // handing over the continuation token to the next.
    expect(listed).toEqual([1000, 1000, 1000, 1000, 1000, 1]);
    expect(queuedPerInvocation).toEqual([1000, 1000, 1000, 1000, 1000, 1]);
    expect(outcomes.at(-1)).toEqual({ status: 'planned', items: 1, last: true });
    expect(await readBatchRecord(harness.blobs, harness.output, record.id)).toMatchObject({
      status: 'in_progress',
      planned: count,
      plannedPages: 6,
      total: count,
    });
    const indexes = new Set<number>();
    const names = new Set<string>();
    for (
      let message = queue.take(deps.batch.queues.item);
      message !== undefined;
      message = queue.take(deps.batch.queues.item)
    ) {
      const item = parseBatchMessage(message, 'item');
      indexes.add(item.index);
      names.add(item.name);
    }
    // Dense indexes 0..count-1 (each picks its counter bit) and every blob exactly once.
    expect(indexes.size).toBe(count);
    expect(Math.max(...indexes)).toBe(count - 1);
    expect(names.size).toBe(count);
  }, 90_000);
});
