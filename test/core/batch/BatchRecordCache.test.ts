import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import { BatchRecordCache } from '../../../src/core/batch/BatchRecordCache';
import { cancelBatch } from '../../../src/core/batch/cancelBatch';
import { runBatchItem } from '../../../src/core/batch/runBatchItem';
import { encodeImage } from '../media/fixtures';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';
import { createPlannedBatch, type LocalBatchDeps } from '../../support/createPlannedBatch';
import { takeItemMessage } from '../../support/takeItemMessage';

let harness: BatchHarness;

beforeAll(async () => {
  harness = await batchHarness();
});

afterAll(async () => {
  await harness.close();
});

/** One instance of the app: its own copies of the records, the shared storage and (here) queue. */
function instance(queue: MemoryWorkQueue): LocalBatchDeps {
  return {
    ...harness.batchDeps,
    queue,
    records: new BatchRecordCache(harness.batchDeps.clock, { maxAgeMs: 10_000 }),
  };
}

describe('BatchRecordCache', () => {
  it('items use the copy; a cancel made on another instance reaches them once the copy is 10 s old', async () => {
    const png = await encodeImage('png', 8, 8);
    await Promise.all(
      ['x/1.png', 'x/2.png', 'x/3.png'].map((name) => harness.blobs.upload(harness.input, name, png)),
    );
    const queue = new MemoryWorkQueue();
    const worker = instance(queue);
    const other = instance(queue);
    const record = await createPlannedBatch(worker, { container: harness.input, prefix: 'x/' });
    const [first, second, third] = [
      takeItemMessage(worker),
      takeItemMessage(worker),
      takeItemMessage(worker),
    ];
    expect(await runBatchItem(worker, first, { dequeueCount: 1 })).toBe('completed');

    expect(await cancelBatch(other, record.id)).toMatchObject({ status: 'cancelling' });
    // Within the copy's age the worker has not seen the cancel: the item runs, as an item in flight would.
    expect(await runBatchItem(worker, second, { dequeueCount: 1 })).toBe('completed');
    await harness.batchDeps.clock.sleep(10_001);
    const calls = harness.emulator.stats().chatCompletions;
    expect(await runBatchItem(worker, third, { dequeueCount: 1 })).toBe('failed');
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
    expect(
      await harness.blobs.readJson(harness.output, `batches/${record.id}/items/x/3.png.error.json`),
    ).toMatchObject({ value: { error: { code: 'batch_cancelled' } } });
  });

  it('an update starts from the copy and still sees what another instance wrote since', async () => {
    const png = await encodeImage('png', 8, 8);
    await harness.blobs.upload(harness.input, 'y/1.png', png);
    const queue = new MemoryWorkQueue();
    const worker = instance(queue);
    const other = instance(queue);
    const record = await createPlannedBatch(worker, { container: harness.input, prefix: 'y/' });
    // The worker's copy still says in_progress; its cancel is conditional on that copy, loses, reads, and
    // finds the batch cancelling already: it changes nothing.
    expect(await cancelBatch(other, record.id)).toMatchObject({ status: 'cancelling' });
    const cancellingAt = (await harness.blobs.readJson(harness.output, `batches/${record.id}/batch.json`))
      ?.value;
    await harness.batchDeps.clock.sleep(1000);
    expect(await cancelBatch(worker, record.id)).toMatchObject({ status: 'cancelling' });
    expect((await harness.blobs.readJson(harness.output, `batches/${record.id}/batch.json`))?.value).toEqual(
      cancellingAt,
    );
  });
});
