import { HttpRequest } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import { registerBatchCommand } from '../../src/cli/batchCommand';
import { registerProcessCommand } from '../../src/cli/processCommand';
import { MemoryWorkQueue } from '../../src/adapters/MemoryWorkQueue';
import { getBatchStatus } from '../../src/core/batch/getBatchStatus';
import { runBatchItem } from '../../src/core/batch/runBatchItem';
import { batchDeps } from '../../src/functions/shared/runtime';
import { createPlannedBatch } from '../support/createPlannedBatch';
import { takeItemMessage } from '../support/takeItemMessage';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import {
  startCountingStorageProxy,
  type CountingStorageProxy,
  type StorageRequest,
} from '../support/countingStorageProxy';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { runCliCommand } from '../support/runCliCommand';
import { saveRequest } from '../support/saveRequest';
import { testConnectionString, uniqueName } from '../support/storage';
import { deliverBlob } from '../support/deliverBlob';
import { receiveAllMessages } from '../support/receiveAllMessages';

/**
 * Storage requests per item on each path, counted by a proxy in front of Azurite. The counts are deterministic, so
 * they are pinned: a change that adds a request to a path fails here, and one that removes a request updates the
 * pin on purpose. `npm run bench` prints the same table.
 */
let proxy: CountingStorageProxy;
let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;
let completions: typeof Completions;
let png: Buffer;

beforeAll(async () => {
  proxy = await startCountingStorageProxy(testConnectionString());
  harness = await functionsHarness(
    {},
    { MediaStorage: proxy.connectionString, MEDIA_BATCH_QUEUE: uniqueName('sq') },
  );
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
  ({ completions } = await import('../../src/functions/completions'));
  png = await encodeImage('png', 16, 12);
});

afterAll(async () => {
  await harness.close();
  await proxy.close();
});

type Properties = Record<string, unknown>;

/** The trigger's delivery as real hosts send it; `properties` in the shape under test. */
async function deliver(name: string, bytes: Uint8Array, properties: Properties): Promise<void> {
  await deliverBlob(harness, processMediaBlob, name, bytes, { properties });
}

/** Runs `work` and returns the storage requests it made, as `METHOD operation` lines (for a readable diff). */
async function counted(
  work: () => Promise<unknown>,
  options: { perRun?: (request: StorageRequest) => boolean } = {},
): Promise<string[]> {
  proxy.reset();
  await work();
  return proxy.requests
    .filter((request) => !(options.perRun?.(request) ?? false))
    .map((request) => `${request.method} ${request.operation === '' ? 'blob' : request.operation}`);
}

/** A run's own requests, not an item's: creating containers and listing the input to enumerate it. */
const runLevel = (request: StorageRequest): boolean =>
  request.operation === 'container' || request.path === harness.input;

async function uploaded(name: string, bytes: Uint8Array): Promise<string> {
  const { etag } = await harness.blobs.upload(harness.input, name, bytes);
  return etag.replaceAll('"', '');
}

describe('storage requests per item (pinned)', () => {
  it('new blob through the trigger, with a text ETag and the length delivered', async () => {
    const etag = await uploaded('count/trigger.png', png);
    const requests = await counted(() =>
      deliver('count/trigger.png', png, { eTag: etag, length: png.length }),
    );
    // The idempotency listing, the claim, the result: the trigger delivered bytes, ETag and metadata.
    expect(requests).toEqual(['GET container,list', 'PUT blob', 'PUT blob']);
  });

  it('new blob through the trigger, with the ETag as an empty object and contentLength (real hosts)', async () => {
    await uploaded('count/host-shape.png', png);
    const requests = await counted(() =>
      deliver('count/host-shape.png', png, { eTag: {}, contentLength: png.length }),
    );
    // No usable ETag: one Get Blob (properties and bytes) beside the listing, then the claim and the result.
    expect(requests.sort()).toEqual(['GET blob', 'GET container,list', 'PUT blob', 'PUT blob']);
  });

  it('redelivery of a processed blob', async () => {
    const etag = await uploaded('count/again.png', png);
    await deliver('count/again.png', png, { eTag: etag, length: png.length });
    const requests = await counted(() => deliver('count/again.png', png, { eTag: etag, length: png.length }));
    // The listing shows the result; its read confirms it records this ETag.
    expect(requests).toEqual(['GET container,list', 'GET blob']);
  });

  it('permanent error (unsupported bytes)', async () => {
    const bytes = Buffer.from('plain text, not media');
    const etag = await uploaded('count/notes.png', bytes);
    const requests = await counted(() =>
      deliver('count/notes.png', bytes, { eTag: etag, length: bytes.length }),
    );
    // Refused before any model call, so no claim: the listing and the error document.
    expect(requests).toEqual(['GET container,list', 'PUT blob']);
  });

  it('new blob through the CLI (no content delivered), per item over 8 items', async () => {
    for (let n = 0; n < 8; n++) await uploaded(`cli/${n}.png`, png);
    const requests = await counted(
      () => runCliCommand(registerProcessCommand, 'process', ['--prefix', 'cli/', '--concurrency', '1']),
      { perRun: runLevel },
    );
    // Per item: the listing and one Get Blob, the claim, the result.
    expect(requests.length / 8).toBe(4);
  });

  it('HTTP ?save=true', async () => {
    const requests = await counted(() => completions(saveRequest(png), harness.context('completions', {})));
    expect(requests).toEqual(['PUT blob']);
  });

  it('batch end to end through the CLI (in-memory queue), N = 64', async () => {
    const names = Array.from({ length: 64 }, (_, n) => `batch/${String(n).padStart(2, '0')}.png`);
    await Promise.all(names.map((name) => uploaded(name, png)));
    const requests = await counted(() =>
      runCliCommand(registerBatchCommand, 'batch', ['--prefix', 'batch/', '--concurrency', '1']),
    );
    // 416 requests, 6.5 per item: create + plan 5, per item 5 (the pipeline's 4 and the count's write), 16
    // completion checks of one listing each + the finalizer's enqueue 17, finalize 71 (one read per document),
    // run level 3. No batch.json read per item, no counter shard read. One item at a time, so the counters'
    // optimistic retries do not vary the count.
    expect(requests).toHaveLength(416);
  }, 120_000);

  it('batch end to end through the deployed queue path (the handlers, Azurite queues), N = 64', async () => {
    const names = Array.from({ length: 64 }, (_, n) => `queued/${String(n).padStart(2, '0')}.png`);
    await Promise.all(names.map((name) => uploaded(name, png)));
    const [{ postBatch }, { planBatch }, { processBatchItem }, { finalizeBatch }] = await Promise.all([
      import('../../src/functions/postBatch'),
      import('../../src/functions/planBatch'),
      import('../../src/functions/processBatchItem'),
      import('../../src/functions/finalizeBatch'),
    ]);
    const queue = process.env.MEDIA_BATCH_QUEUE ?? '';
    // The host's side: receiving and deleting messages straight from Azurite, not through the proxy (not the app's).
    const host = QueueServiceClient.fromConnectionString(testConnectionString());
    const steps: [string, (message: unknown) => Promise<void>][] = [
      [`${queue}-plan`, (message) => planBatch(message, harness.context('planBatch', { dequeueCount: 1 }))],
      [
        queue,
        (message) => processBatchItem(message, harness.context('processBatchItem', { dequeueCount: 1 })),
      ],
      [
        `${queue}-finalize`,
        (message) => finalizeBatch(message, harness.context('finalizeBatch', { dequeueCount: 1 })),
      ],
    ];
    // The infra creates the batch queues (an app that meets a missing one creates it on its first send).
    await Promise.all(steps.map(([name]) => host.getQueueClient(name).createIfNotExists()));
    const started = Date.now();
    await counted(async () => {
      await postBatch(
        new HttpRequest({
          method: 'POST',
          url: 'https://app.example/api/batches',
          body: { string: JSON.stringify({ prefix: 'queued/' }) },
        }),
        harness.context('postBatch', {}),
      );
      for (let step = 0; step < steps.length;) {
        const [name, handle] = steps[step] ?? steps[0]!;
        const messages = await receiveAllMessages(host, name);
        for (const message of messages) await handle(message);
        step = messages.length > 0 ? 0 : step + 1;
      }
    });
    const blob = proxy.requests.filter((request) => request.service === 'blob');
    const queued = proxy.requests.filter((request) => request.service === 'queue');
    const recordReads = blob.filter(
      (request) => request.method === 'GET' && request.path.endsWith('/batch.json'),
    ).length;
    // Items take the batch record from the process's copy, which is read again once it is 10 s old: on a slow
    // machine an item may read it (one request per 10 s of run), which is not an item's cost.
    const lateRecordReads = Math.max(0, recordReads - 3);
    expect(lateRecordReads).toBeLessThanOrEqual(Math.floor((Date.now() - started) / 10_000));
    // Blob: 479, 7.5 per item. Per item 7 (the idempotency listing, the source's Get Blob, the claim, the item
    // document, the counter shard's read and conditional write, the finalizer's read of the document) = 448;
    // 16 completion checks of one listing each; the record: 4 writes (create, planned, finalizing, completed)
    // and 3 reads (plan, the completing count, finalize); the input listing and 4 more listings (creation,
    // planning, finalization); results.jsonl's block and block list, errors.jsonl's block list.
    // Queue: 66 sends, 1 per item plus the plan and the finalize message. The host's receives and deletes are
    // the Functions runtime's, not the app's, and are not counted. End to end: (479 + 66) / 64 = 8.5 per item.
    // The CLI run (416) reads no counter shard (it is its batch's only writer) and sends no queue request.
    expect({ blob: blob.length - lateRecordReads, queue: queued.length }).toEqual({ blob: 479, queue: 66 });
    expect(queued.every((request) => request.method === 'POST' && request.path.endsWith('/messages'))).toBe(
      true,
    );
  }, 120_000);

  it('batch status while it runs: the record and one listing of the counter shards', async () => {
    await Promise.all(['status/1.png', 'status/2.png'].map((name) => uploaded(name, png)));
    const deps = { ...(await batchDeps(harness.context('getBatch', {}))), queue: new MemoryWorkQueue() };
    const record = await createPlannedBatch(deps, { container: harness.input, prefix: 'status/' });
    await runBatchItem(deps, takeItemMessage(deps), { dequeueCount: 1 });
    const requests = await counted(() => getBatchStatus(deps, record.id));
    expect(requests).toEqual(['GET blob', 'GET container,list']);
  });
});
