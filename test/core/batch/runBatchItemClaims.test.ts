import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import { batchPaths } from '../../../src/core/batch/batchPaths';
import { getBatchStatus } from '../../../src/core/batch/getBatchStatus';
import { runBatchItem } from '../../../src/core/batch/runBatchItem';
import { claimBlobName } from '../../../src/core/outputs/claimBlobName';
import { encodeImage } from '../media/fixtures';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';
import { createPlannedBatch } from '../../support/createPlannedBatch';
import { takeItemMessage } from '../../support/takeItemMessage';

let harness: BatchHarness;

beforeAll(async () => {
  // A model answer takes a moment, so that a second delivery meets the first one's claim.
  harness = await batchHarness({ latencyMs: 300 });
});

afterAll(async () => {
  await harness.close();
});

/** A one-item batch over `name`, planned; its item message and documents' location. */
async function oneItemBatch(name: string) {
  const { etag } = await harness.blobs.upload(harness.input, name, await encodeImage('png', 8, 8));
  const planning = { ...harness.batchDeps, queue: new MemoryWorkQueue() };
  const record = await createPlannedBatch(planning, { container: harness.input, prefix: name });
  const item = takeItemMessage(planning);
  return { id: record.id, etag, item, location: batchPaths.item(harness.output, record.id, name) };
}

describe('runBatchItem with claims', () => {
  it('the last delivery defers to a live claim instead of recording the item as failed', async () => {
    const { id, etag, item, location } = await oneItemBatch('held/a.png');
    const last = harness.batchDeps.batch.maxDequeueCount;
    const claim = (inMs: number) =>
      harness.blobs.writeJson(
        harness.output,
        claimBlobName(location.resultName),
        {
          schemaVersion: 1,
          resultName: location.resultName,
          source: { container: harness.input, name: item.name, etag },
          claimedAt: new Date(harness.deps.clock.now()).toISOString(),
          expiresAt: new Date(harness.deps.clock.now() + inMs).toISOString(),
        },
        undefined,
      );
    // Another delivery of the item holds it for 30 more seconds.
    const claimedAt = harness.deps.clock.now();
    await claim(30_000);
    const calls = harness.emulator.stats().chatCompletions;

    await expect(runBatchItem(harness.batchDeps, item, { dequeueCount: 1 })).rejects.toMatchObject({
      code: 'in_progress',
      retryable: true,
    });
    expect(await runBatchItem(harness.batchDeps, item, { dequeueCount: last })).toBe('deferred');
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
    expect(await harness.blobs.readJson(harness.output, location.errorName)).toBeUndefined();
    expect(await getBatchStatus(harness.batchDeps, id)).toMatchObject({
      request_counts: { total: 1, completed: 0, failed: 0 },
    });
    // A fresh copy of the message waits, invisible, until about when the claim expires.
    const queue = harness.queues.getQueueClient(harness.batchDeps.batch.queues.item);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
    expect((await queue.receiveMessages()).receivedMessageItems).toHaveLength(0);
    const deferred = harness.deps.logger.entries.filter((entry) => entry.message.includes('deferred')).at(-1);
    expect(deferred?.fields).toMatchObject({ batchId: id, index: item.index });
    // The delay covers what was left of the claim when the copy was sent (30 s less the time this test took, which
    // a loaded machine stretches), plus at most the rounding second and one second of margin.
    const claimLeftSeconds = (claimedAt + 30_000 - harness.deps.clock.now()) / 1000;
    expect(deferred?.fields?.delaySeconds).toBeGreaterThanOrEqual(Math.floor(claimLeftSeconds));
    expect(deferred?.fields?.delaySeconds).toBeLessThanOrEqual(32);

    // The holder died: once its claim has expired, the copy takes it over and completes the item.
    await claim(-1);
    expect(await runBatchItem(harness.batchDeps, item, { dequeueCount: 1 })).toBe('completed');
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 1);
    // The taker's claim stays once the document is written (it lapses on its own; see processBlob).
    expect(await harness.blobs.readJson(harness.output, claimBlobName(location.resultName))).toMatchObject({
      value: { source: { name: 'held/a.png' } },
    });
    expect(await getBatchStatus(harness.batchDeps, id)).toMatchObject({
      request_counts: { total: 1, completed: 1, failed: 0 },
    });
    await queue.clearMessages();
  });

  it('two simultaneous last deliveries of one item: one completes, one defers; one model call, counted once', async () => {
    const { id, item, location } = await oneItemBatch('twin/b.png');
    const last = harness.batchDeps.batch.maxDequeueCount;
    const calls = harness.emulator.stats().chatCompletions;
    const outcomes = await Promise.all([
      runBatchItem(harness.batchDeps, item, { dequeueCount: last }),
      runBatchItem(harness.batchDeps, item, { dequeueCount: last }),
    ]);
    expect(outcomes.sort()).toEqual(['completed', 'deferred']);
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 1);
    expect(await harness.blobs.readJson(harness.output, location.resultName)).toBeDefined();
    expect(await harness.blobs.readJson(harness.output, location.errorName)).toBeUndefined();

    // The deferred copy arrives later and finds the item done.
    expect(await runBatchItem(harness.batchDeps, item, { dequeueCount: 1 })).toBe('duplicate');
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 1);
    expect(await getBatchStatus(harness.batchDeps, id)).toMatchObject({
      request_counts: { total: 1, completed: 1, failed: 0 },
    });
  });
});
