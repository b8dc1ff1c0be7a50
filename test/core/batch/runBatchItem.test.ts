import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import { getBatchStatus } from '../../../src/core/batch/getBatchStatus';
import { runBatchItem } from '../../../src/core/batch/runBatchItem';
import { encodeImage } from '../media/fixtures';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';
import { expectValidErrorDocument } from '../../support/documentSchemas';
import { createPlannedBatch } from '../../support/createPlannedBatch';
import { takeItemMessage } from '../../support/takeItemMessage';

let harness: BatchHarness;

beforeAll(async () => {
  // Every model call is throttled: each delivery spends its retry budget and fails.
  harness = await batchHarness({ faultRate: 1, faultKinds: ['503'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
});

afterAll(async () => {
  await harness.close();
});

describe('runBatchItem with transient failures', () => {
  it('throws before the last delivery, records retries_exhausted on it, and the poison path records too', async () => {
    const png = await encodeImage('png', 8, 8);
    await Promise.all(['t/1.png', 't/2.png'].map((name) => harness.blobs.upload(harness.input, name, png)));
    const queue = new MemoryWorkQueue();
    const deps = { ...harness.batchDeps, queue };
    const record = await createPlannedBatch(deps, { container: harness.input, prefix: 't/' });
    const first = takeItemMessage(deps);
    const second = takeItemMessage(deps);

    await expect(runBatchItem(deps, first, { dequeueCount: 1 })).rejects.toMatchObject({ retryable: true });
    expect(
      await harness.blobs.readJson(harness.output, `batches/${record.id}/items/t/1.png.error.json`),
    ).toBeUndefined();
    const last = deps.batch.maxDequeueCount;
    expect(await runBatchItem(deps, first, { dequeueCount: last })).toBe('failed');
    const document = (
      await harness.blobs.readJson(harness.output, `batches/${record.id}/items/t/1.png.error.json`)
    )?.value;
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'retries_exhausted', retryable: true, attempts: last } });

    const calls = harness.emulator.stats().chatCompletions;
    expect(await runBatchItem(deps, second, { dequeueCount: last, poisoned: true })).toBe('failed');
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
    expect(await getBatchStatus(deps, record.id)).toMatchObject({
      status: 'finalizing',
      request_counts: { total: 2, completed: 0, failed: 2 },
    });
  });
});
