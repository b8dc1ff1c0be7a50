import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import { createModelGateway } from '../../../src/adapters/createModelGateway';
import { getBatchStatus } from '../../../src/core/batch/getBatchStatus';
import { runBatchItem } from '../../../src/core/batch/runBatchItem';
import { encodeImage } from '../media/fixtures';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';
import { testConfig } from '../../support/pipeline';
import { createPlannedBatch } from '../../support/createPlannedBatch';
import { takeItemMessage } from '../../support/takeItemMessage';

let harness: BatchHarness;

beforeAll(async () => {
  // The emulator wants `test-key`; the app is configured with another one (401 on every call).
  harness = await batchHarness({}, { AZURE_INFERENCE_CREDENTIAL: 'not-the-key' });
});

afterAll(async () => {
  await harness.close();
});

/** A MemoryWorkQueue that remembers the delay each message was sent with. */
class DelayRecordingQueue extends MemoryWorkQueue {
  readonly delays: (number | undefined)[] = [];

  override send(queue: string, message: object, options?: { delaySeconds?: number }): Promise<void> {
    this.delays.push(options?.delaySeconds);
    return super.send(queue, message);
  }
}

it('defers an item whose last delivery meets a configuration fault instead of counting it failed, and completes it after the fix', async () => {
  await harness.blobs.upload(harness.input, 'cfg/1.png', await encodeImage('png', 8, 8));
  const queue = new DelayRecordingQueue();
  const deps = { ...harness.batchDeps, queue };
  const record = await createPlannedBatch(deps, { container: harness.input, prefix: 'cfg/' });
  const item = takeItemMessage(deps);
  const itemDocument = `batches/${record.id}/items/cfg/1.png`;

  await expect(runBatchItem(deps, item, { dequeueCount: 1 })).rejects.toMatchObject({
    code: 'unauthorized',
    errorClass: 'configuration',
  });
  const sentBefore = queue.delays.length;
  expect(await runBatchItem(deps, item, { dequeueCount: deps.batch.maxDequeueCount })).toBe('deferred');
  // A fresh message, after at least the breaker's back-off and a minute (a role assignment's propagation).
  expect(queue.delays.slice(sentBefore)).toEqual([expect.any(Number)]);
  expect(queue.delays.at(-1)).toBeGreaterThanOrEqual(60);
  expect(await harness.blobs.readJson(harness.output, `${itemDocument}.error.json`)).toBeUndefined();
  expect(await getBatchStatus(deps, record.id)).toMatchObject({
    status: 'in_progress',
    request_counts: { total: 1, completed: 0, failed: 0 },
  });

  // The key is fixed (the app restarts with the new setting): the deferred message completes the item.
  const fixed = testConfig({ AZURE_INFERENCE_ENDPOINT: `${harness.emulator.url}/models` });
  const deferred = takeItemMessage(deps);
  const outcome = await runBatchItem(
    { ...deps, model: await createModelGateway(fixed.inference) },
    deferred,
    {
      dequeueCount: 1,
    },
  );
  expect(outcome).toBe('completed');
  expect((await getBatchStatus(deps, record.id))?.request_counts).toMatchObject({ completed: 1, failed: 0 });
});
