import { HttpRequest, HttpResponse } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import type { BatchView } from '../../src/core/batch/BatchView';
import type { completions as Completions } from '../../src/functions/completions';
import type * as FinalizeBatchModule from '../../src/functions/finalizeBatch';
import type * as GetBatchModule from '../../src/functions/getBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { receiveAllMessages } from '../support/receiveAllMessages';
import { testConnectionString, uniqueName } from '../support/storage';

/**
 * The authorization step, tried as a hostile caller would: through the real handlers, against Azurite and the
 * emulator, with a third container holding a secret that no setting allows.
 */
let harness: FunctionsHarness;
let other: string;
let queue: string;
let completions: typeof Completions;
let post: typeof PostBatchModule;
let get: typeof GetBatchModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let finalize: typeof FinalizeBatchModule;
let png: Buffer;
const queues = QueueServiceClient.fromConnectionString(testConnectionString());

beforeAll(async () => {
  queue = uniqueName('sq');
  harness = await functionsHarness({}, { MEDIA_BATCH_QUEUE: queue, MEDIA_RETRY_MAX_ATTEMPTS: '1' });
  await Promise.all(
    [queue, `${queue}-plan`, `${queue}-finalize`].map((name) =>
      queues.getQueueClient(name).createIfNotExists(),
    ),
  );
  other = uniqueName('secret');
  await harness.blobs.createContainerIfNotExists(other);
  png = await encodeImage('png', 8, 8);
  await Promise.all([
    harness.blobs.upload(other, 'secret.png', png),
    harness.blobs.upload(other, 'm.jsonl', Buffer.from('{"custom_id":"a","blob":"secret.png"}\n')),
    harness.blobs.upload(harness.input, 'a.png', png),
    harness.blobs.upload(harness.input, 'b.png', png),
  ]);
  completions = (await import('../../src/functions/completions')).completions;
  post = await import('../../src/functions/postBatch');
  get = await import('../../src/functions/getBatch');
  plan = await import('../../src/functions/planBatch');
  item = await import('../../src/functions/processBatchItem');
  finalize = await import('../../src/functions/finalizeBatch');
});

afterAll(async () => {
  await harness.close();
});

async function complete(blob: string): Promise<{ status: number; body: unknown }> {
  const response = new HttpResponse(
    await completions(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/completions',
        headers: { 'content-type': 'application/json' },
        body: { string: JSON.stringify({ prompt: 'Describe.', media: [{ blob }] }) },
      }),
      harness.context('completions', {}),
    ),
  );
  return { status: response.status, body: await response.json() };
}

const postBatch = (body: string, headers: Record<string, string> = {}) =>
  post.postBatch(
    new HttpRequest({
      method: 'POST',
      url: 'https://app.example/api/batches',
      headers,
      body: { string: body },
    }),
    harness.context('postBatch', {}),
  );

const receiveAll = (name: string): Promise<unknown[]> => receiveAllMessages(queues, name);

/** Runs a created batch to the end through the queue handlers, as the host would. */
async function runBatch(id: string): Promise<{ view: BatchView; lines: Record<string, unknown>[] }> {
  for (const message of await receiveAll(`${queue}-plan`)) {
    await plan.planBatch(message, harness.context('planBatch', { dequeueCount: 1 }));
  }
  for (const message of await receiveAll(queue)) {
    await item.processBatchItem(message, harness.context('processBatchItem', { dequeueCount: 1 }));
  }
  for (const message of await receiveAll(`${queue}-finalize`)) {
    await finalize.finalizeBatch(message, harness.context('finalizeBatch', { dequeueCount: 1 }));
  }
  const view = (
    await get.getBatch(
      new HttpRequest({ method: 'GET', url: `https://app.example/api/batches/${id}`, params: { id } }),
      harness.context('getBatch', {}),
    )
  ).jsonBody as BatchView;
  const lines: Record<string, unknown>[] = [];
  for (const file of ['results', 'errors']) {
    const bytes = await harness.blobs.download(harness.output, `batches/${id}/${file}.jsonl`);
    for (const line of Buffer.from(bytes).toString('utf8').split('\n')) {
      if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return { view, lines };
}

describe('POST /api/completions: blob references', () => {
  it('refuses every way out of the allowed container with 400, before storage and the model', async () => {
    const calls = harness.emulator.stats().chatCompletions;
    for (const blob of [
      `${harness.input}/../${other}/secret.png`,
      `${harness.input}/..`,
      `${harness.input}/x/%2e%2e/%2e%2e/${other}/secret.png`,
      `${harness.input}/x%2f..%2f..%2f${other}%2fsecret.png`,
      `${harness.input}/..\\${other}\\secret.png`,
      `${harness.input}//secret.png`,
      // The storage client cannot encode a lone surrogate: it failed as a retryable transport error, a 502.
      `${harness.input}/\uD800.png`,
      // Azure allows no control characters in names, and XML listings cannot carry them.
      `${harness.input}/a\u0000b.png`,
    ]) {
      expect({ blob, ...(await complete(blob)) }).toMatchObject({
        blob,
        status: 400,
        body: { error: { code: 'invalid_blob_name' } },
      });
    }
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });

  it('answers a forbidden blob exactly as a missing one, and never reads the output container', async () => {
    const secret = await complete(`${other}/secret.png`);
    const missing = await complete(`${other}/no-such.png`);
    expect(secret).toMatchObject({ status: 400, body: { error: { code: 'blob_not_allowed' } } });
    expect(missing).toEqual(secret);
    const missingContainer = await complete(`no-such-container/secret.png`);
    expect(missingContainer).toMatchObject({ status: 400, body: { error: { code: 'blob_not_allowed' } } });
    for (const container of [harness.output, 'azure-webjobs-secrets', '$logs']) {
      expect(await complete(`${container}/x.json`)).toMatchObject({
        status: 400,
        body: { error: { code: 'blob_not_allowed' } },
      });
    }
  });
});

describe('POST /api/batches: sources', () => {
  it('reads only the batch containers: the source, the prefix and the manifest path are authorized', async () => {
    for (const container of [harness.output, other, 'azure-webjobs-secrets', 'no-such-container']) {
      expect(await postBatch(JSON.stringify({ container }))).toMatchObject({
        status: 400,
        jsonBody: { error: { code: 'blob_not_allowed' } },
      });
    }
    // A control character in a prefix made every listing fail (HTTP 500): the plan never finished.
    for (const prefix of ['../x/', '\u0000', 'a\u0001', '\uFFFF']) {
      expect(await postBatch(JSON.stringify({ prefix }))).toMatchObject({
        status: 400,
        jsonBody: { error: { code: 'invalid_blob_name' } },
      });
    }
    // An existing manifest and a missing one in a forbidden container: one answer, no hint of either.
    const existing = await postBatch(JSON.stringify({ manifest: `${other}/m.jsonl` }));
    const missing = await postBatch(JSON.stringify({ manifest: `${other}/nope.jsonl` }));
    expect(existing).toMatchObject({ status: 400, jsonBody: { error: { code: 'blob_not_allowed' } } });
    expect(missing.jsonBody).toEqual(existing.jsonBody);
    expect(
      await postBatch(JSON.stringify({ manifest: `${harness.input}/../${other}/m.jsonl` })),
    ).toMatchObject({
      status: 400,
      jsonBody: { error: { code: 'invalid_blob_name' } },
    });
    expect(await receiveAll(`${queue}-plan`)).toEqual([]);
  });

  it('refuses a manifest that uses a custom_id twice, naming it and both lines', async () => {
    const lines = ['x', 'dup', 'y', '', 'dup', 'dup'].map((id) =>
      id === '' ? '' : JSON.stringify({ custom_id: id, blob: 'a.png' }),
    );
    await harness.blobs.upload(harness.input, 'dup.jsonl', Buffer.from(lines.join('\n')));
    const answer = await postBatch(JSON.stringify({ manifest: `${harness.input}/dup.jsonl` }));
    expect(answer).toMatchObject({
      status: 400,
      jsonBody: {
        error: {
          code: 'duplicate_custom_id',
          message: expect.stringMatching(/"dup".*line 5.*line 2/) as string,
        },
      },
    });
    expect(await receiveAll(`${queue}-plan`)).toEqual([]);
  });

  it('refuses a body over 64 KiB on Content-Length, before reading it, and while reading it', async () => {
    expect(await postBatch('{}', { 'content-length': String(80 * 1024 * 1024) })).toMatchObject({
      status: 413,
      jsonBody: { error: { code: 'request_too_large' } },
    });
    expect(await postBatch(JSON.stringify({ prompt: 'x'.repeat(70 * 1024) }))).toMatchObject({
      status: 413,
      jsonBody: { error: { code: 'request_too_large' } },
    });
  });
});

describe('a batch manifest naming what it may not', () => {
  it('gives each of 10 counted lines exactly one output line, refusing forbidden blobs without a model call', async () => {
    const manifest = [
      { custom_id: 'plain', blob: 'a.png' },
      { custom_id: '../../../../x', blob: `${harness.input}/b.png` },
      { custom_id: 'pair.error', blob: 'a.png' },
      { custom_id: 'pair', blob: 'missing.png' },
      { custom_id: 'output', blob: `${harness.output}/batches/anything/batch.json` },
      { custom_id: 'relative', blob: `../${other}/secret.png` },
      { custom_id: 'other', blob: `${other}/secret.png` },
      { custom_id: 'unencodable', blob: `${harness.input}/\uD800.png` },
      // Control characters cannot stand in a document name (listings fail): hashed, recorded verbatim.
      { custom_id: 'a\u0000b', blob: 'a.png' },
      { custom_id: 'ctl\u0001', blob: 'a.png' },
    ];
    await harness.blobs.upload(
      harness.input,
      'hostile.jsonl',
      Buffer.from(manifest.map((line) => JSON.stringify(line)).join('\n')),
    );
    const calls = harness.emulator.stats().chatCompletions;
    const created = await postBatch(JSON.stringify({ manifest: `${harness.input}/hostile.jsonl` }));
    expect(created.status).toBe(202);
    const { id } = created.jsonBody as BatchView;

    const { view, lines } = await runBatch(id);
    expect(view).toMatchObject({
      status: 'completed',
      request_counts: { total: 10, completed: 5, failed: 5 },
    });
    expect(lines).toHaveLength(10);
    const byId = new Map(lines.map((line) => [line.custom_id, line]));
    expect([...byId.keys()].sort()).toEqual(manifest.map((line) => line.custom_id).sort());
    for (const ok of ['plain', '../../../../x', 'pair.error', 'a\u0000b', 'ctl\u0001']) {
      expect(byId.get(ok)).toMatchObject({ error: null, response: { status_code: 200 } });
    }
    expect(byId.get('pair')).toMatchObject({ error: { code: 'source_not_found' } });
    for (const refused of ['output', 'relative', 'other']) {
      expect(byId.get(refused)).toMatchObject({ error: { code: 'blob_not_allowed' } });
    }
    expect(byId.get('unencodable')).toMatchObject({ error: { code: 'invalid_blob_name' } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls + 5);
    // The unsafe custom_id stayed inside the batch's folder.
    const outside = await harness.blobs.listPage(harness.output, { prefix: 'hashed-names/' });
    expect(outside.items).toEqual([]);
  });
});
