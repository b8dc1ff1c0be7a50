import { MemoryWorkQueue } from '../../../src/adapters/MemoryWorkQueue';
import type { BatchDeps } from '../../../src/core/batch/BatchDeps';
import { parseBatchMessage } from '../../../src/core/batch/BatchMessage';
import { batchPaths } from '../../../src/core/batch/batchPaths';
import { cancelBatch } from '../../../src/core/batch/cancelBatch';
import { createBatch } from '../../../src/core/batch/createBatch';
import { finalizeBatchPage } from '../../../src/core/batch/finalizeBatchPage';
import { getBatchStatus } from '../../../src/core/batch/getBatchStatus';
import { parseBatchRequest } from '../../../src/core/batch/parseBatchRequest';
import { planBatchPage } from '../../../src/core/batch/planBatchPage';
import { runBatchItem } from '../../../src/core/batch/runBatchItem';
import { processBlob } from '../../../src/core/blob/processBlob';
import { encodeImage } from '../media/fixtures';
import { batchHarness, type BatchHarness } from '../../support/batchHarness';
import { expectValidErrorDocument, expectValidResultDocument } from '../../support/documentSchemas';
import { createPlannedBatch, type LocalBatchDeps } from '../../support/createPlannedBatch';
import { takeItemMessage } from '../../support/takeItemMessage';

let harness: BatchHarness;
let png: Buffer;

beforeAll(async () => {
  harness = await batchHarness();
  png = await encodeImage('png', 16, 16);
});

afterAll(async () => {
  await harness.close();
});

/** Batch deps whose queue is in memory, so a test can step through plan → items → finalize. */
function local(deps: BatchDeps = harness.batchDeps): { deps: LocalBatchDeps; queue: MemoryWorkQueue } {
  const queue = new MemoryWorkQueue();
  return { deps: { ...deps, queue }, queue };
}

async function drain(deps: BatchDeps, queue: MemoryWorkQueue): Promise<void> {
  for (;;) {
    const plan = queue.take(deps.batch.queues.plan);
    if (plan !== undefined) {
      await planBatchPage(deps, parseBatchMessage(plan, 'plan'));
      continue;
    }
    const item = queue.take(deps.batch.queues.item);
    if (item !== undefined) {
      await runBatchItem(deps, parseBatchMessage(item, 'item'), { dequeueCount: 1 });
      continue;
    }
    const finalize = queue.take(deps.batch.queues.finalize);
    if (finalize === undefined) return;
    await finalizeBatchPage(deps, parseBatchMessage(finalize, 'finalize'));
  }
}

async function readText(name: string): Promise<string> {
  return Buffer.from(await harness.blobs.download(harness.output, name)).toString('utf8');
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('batch core', () => {
  it('runs a container batch: one document per item, exact counts and tokens, OpenAI Batch JSONL', async () => {
    const good = ['b/a.png', 'b/b.png', 'b/c.png', 'b/d.png', 'b/e.png'];
    await Promise.all(good.map((name) => harness.blobs.upload(harness.input, name, png)));
    await harness.blobs.upload(harness.input, 'b/notes.txt', Buffer.from('plain text'));
    await harness.blobs.upload(harness.input, 'b/empty.png', new Uint8Array(0));
    await harness.blobs.upload(harness.input, 'elsewhere.png', png);
    const before = harness.emulator.stats().byStatus['200'] ?? 0;
    const { deps, queue } = local();
    const request = parseBatchRequest(
      { container: harness.input, prefix: 'b/', prompt: 'List the colours.' },
      deps.settings,
    );
    const { record, created } = await createBatch(deps, request);
    expect(created).toBe(true);
    expect(await getBatchStatus(deps, record.id)).toMatchObject({ status: 'validating' });
    await drain(deps, queue);

    const view = await getBatchStatus(deps, record.id);
    expect(view).toMatchObject({
      status: 'completed',
      request_counts: { total: 7, completed: 5, failed: 2, cancelled: 0 },
      output_file: batchPaths.results(record.id),
      error_file: batchPaths.errors(record.id),
    });
    expect(view?.completed_at).toEqual(expect.any(Number) as number);
    expect((harness.emulator.stats().byStatus['200'] ?? 0) - before).toBe(5);

    let prompt = 0;
    let completion = 0;
    for (const name of good) {
      const document = (
        await harness.blobs.readJson(harness.output, `batches/${record.id}/items/${name}.json`)
      )?.value;
      expectValidResultDocument(document);
      const { usage, request: sent } = document as {
        usage: Record<string, number>;
        request: { prompt: string };
      };
      expect(sent.prompt).toBe('List the colours.');
      prompt += usage.prompt_tokens ?? 0;
      completion += usage.completion_tokens ?? 0;
    }
    expect(view?.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    });
    expectValidErrorDocument(
      (await harness.blobs.readJson(harness.output, `batches/${record.id}/items/b/notes.txt.error.json`))
        ?.value,
    );

    const results = jsonLines(await readText(batchPaths.results(record.id)));
    const errors = jsonLines(await readText(batchPaths.errors(record.id)));
    expect(results.map((line) => line.custom_id).sort()).toEqual(good);
    expect(errors.map((line) => line.custom_id).sort()).toEqual(['b/empty.png', 'b/notes.txt']);
    expect(results[0]).toMatchObject({
      id: expect.stringMatching(/^batch_req_/) as string,
      response: {
        status_code: 200,
        request_id: expect.any(String) as string,
        body: {
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: expect.any(String) as string } }],
          usage: { total_tokens: expect.any(Number) as number },
        },
      },
      error: null,
    });
    expect(errors.find((line) => line.custom_id === 'b/empty.png')).toMatchObject({
      error: { code: 'empty_blob', message: expect.any(String) as string },
    });

    // The same request again is the same batch, not a second run; `force` starts a new one.
    expect(await createBatch(deps, request)).toMatchObject({ created: false, record: { id: record.id } });
    const forced = await createBatch(deps, { ...request, force: true });
    expect(forced.created).toBe(true);
    expect(forced.record.id).not.toBe(record.id);
  });

  it('counts a redelivered item once, and repairs a crash between the document and the count', async () => {
    await Promise.all(['r/1.png', 'r/2.png'].map((name) => harness.blobs.upload(harness.input, name, png)));
    const { deps, queue } = local();
    const record = await createPlannedBatch(deps, { container: harness.input, prefix: 'r/' });
    const first = takeItemMessage(deps);
    const second = takeItemMessage(deps);

    // A worker wrote the document, then died before counting it.
    const crashed = await processBlob(deps, {
      container: second.container,
      name: second.name,
      output: batchPaths.item(harness.output, record.id, second.name),
    });
    expect(crashed.status).toBe('succeeded');
    const calls = harness.emulator.stats().byStatus['200'] ?? 0;

    expect(await runBatchItem(deps, first, { dequeueCount: 1 })).toBe('completed');
    expect(await runBatchItem(deps, first, { dequeueCount: 2 })).toBe('duplicate');
    expect(await runBatchItem(deps, second, { dequeueCount: 2 })).toBe('completed');
    expect(await runBatchItem(deps, second, { dequeueCount: 3 })).toBe('duplicate');
    expect((harness.emulator.stats().byStatus['200'] ?? 0) - calls).toBe(1);

    const view = await getBatchStatus(deps, record.id);
    expect(view?.request_counts).toEqual({ total: 2, completed: 2, failed: 0, cancelled: 0 });
    const usage =
      crashed.status === 'succeeded' ? (crashed.document.usage as { total_tokens: number }) : undefined;
    expect(view?.usage.total_tokens).toBeGreaterThan(usage?.total_tokens ?? 0);
    expect(view?.status).toBe('finalizing');
    await drain(deps, queue);
    expect(await getBatchStatus(deps, record.id)).toMatchObject({ status: 'completed' });
  });

  it('takes the properties the planner listed (metadata overrides included), and a blob replaced since in its new version', async () => {
    await harness.blobs.upload(harness.input, 'l/kept.png', png, { metadata: { Prompt: 'Name the shape.' } });
    await harness.blobs.upload(harness.input, 'l/replaced.png', png);
    const { deps } = local();
    const record = await createPlannedBatch(deps, { container: harness.input, prefix: 'l/' });
    const kept = takeItemMessage(deps);
    const replaced = takeItemMessage(deps);
    const { etag } = await harness.blobs.upload(
      harness.input,
      'l/replaced.png',
      await encodeImage('png', 9, 9),
    );

    expect(await runBatchItem(deps, kept, { dequeueCount: 1 })).toBe('completed');
    const keptDocument = (
      await harness.blobs.readJson(harness.output, `batches/${record.id}/items/l/kept.png.json`)
    )?.value;
    expect(keptDocument).toMatchObject({ request: { prompt: 'Name the shape.' } });
    expect(await runBatchItem(deps, replaced, { dequeueCount: 1 })).toBe('completed');
    expect(
      (await harness.blobs.readJson(harness.output, `batches/${record.id}/items/l/replaced.png.json`))?.value,
    ).toMatchObject({ source: { etag } });
  });

  it('cancel: items not started get batch_cancelled, in-flight ones finish, the batch ends cancelled', async () => {
    const names = await harness.seed(12, png, 'c/');
    const { deps, queue } = local();
    const record = await createPlannedBatch(deps, { container: harness.input, prefix: 'c/' });
    for (let n = 0; n < 4; n++) await runBatchItem(deps, takeItemMessage(deps), { dequeueCount: 1 });
    const calls = harness.emulator.stats().byStatus['200'] ?? 0;
    const cancelling = await cancelBatch(deps, record.id);
    expect(cancelling).toMatchObject({ status: 'cancelling', cancelling_at: expect.any(Number) as number });
    await drain(deps, queue);
    expect(harness.emulator.stats().byStatus['200'] ?? 0).toBe(calls);
    const view = await getBatchStatus(deps, record.id);
    expect(view).toMatchObject({
      status: 'cancelled',
      cancelled_at: expect.any(Number) as number,
      request_counts: { total: 12, completed: 4, failed: 8, cancelled: 8 },
    });
    const errors = jsonLines(await readText(batchPaths.errors(record.id)));
    expect(errors).toHaveLength(8);
    expect(errors.every((line) => (line.error as { code: string }).code === 'batch_cancelled')).toBe(true);
    expect(jsonLines(await readText(batchPaths.results(record.id)))).toHaveLength(4);
    expect(new Set([...errors].map((line) => line.custom_id)).size + 4).toBe(names.length);
    // Cancelling again (or a finished batch) changes nothing.
    expect(await cancelBatch(deps, record.id)).toMatchObject({ status: 'cancelled' });
  });

  it('plans from a manifest with per-line prompts and custom ids; a missing blob gets an error document', async () => {
    await harness.blobs.upload(harness.input, 'm/x.png', png);
    const lines = [
      { custom_id: 'first', blob: `${harness.input}/m/x.png`, prompt: 'Say one.' },
      { custom_id: 'second', blob: `${harness.input}/m/x.png`, prompt: 'Say two.', max_tokens: 20 },
      { custom_id: 'gone', blob: `${harness.input}/m/missing.png` },
    ];
    const text = `${lines.map((line) => JSON.stringify(line)).join('\n')}\n\n`;
    await harness.blobs.upload(harness.input, 'manifests/m.jsonl', Buffer.from(text));
    const { deps, queue } = local();
    const { record } = await createBatch(
      deps,
      parseBatchRequest({ manifest: `${harness.input}/manifests/m.jsonl` }, deps.settings),
    );
    await drain(deps, queue);
    expect(await getBatchStatus(deps, record.id)).toMatchObject({
      status: 'completed',
      input: { manifest: `${harness.input}/manifests/m.jsonl` },
      request_counts: { total: 3, completed: 2, failed: 1 },
    });
    const second = (await harness.blobs.readJson(harness.output, `batches/${record.id}/items/second.json`))
      ?.value;
    expect(second).toMatchObject({ request: { prompt: 'Say two.', maxTokens: 20 } });
    const results = jsonLines(await readText(batchPaths.results(record.id)));
    expect(results.map((line) => line.custom_id).sort()).toEqual(['first', 'second']);
    expect(jsonLines(await readText(batchPaths.errors(record.id)))).toEqual([
      expect.objectContaining({
        custom_id: 'gone',
        error: expect.objectContaining({ code: 'source_not_found' }) as object,
      }),
    ]);
  });

  it('fails the batch on a malformed manifest line', async () => {
    await harness.blobs.upload(
      harness.input,
      'manifests/bad.jsonl',
      Buffer.from('{"custom_id":"a","blob":"x.png"}\nnot json\n'),
    );
    const { deps, queue } = local();
    const { record } = await createBatch(
      deps,
      parseBatchRequest({ manifest: `${harness.input}/manifests/bad.jsonl` }, deps.settings),
    );
    await drain(deps, queue);
    expect(await getBatchStatus(deps, record.id)).toMatchObject({
      status: 'failed',
      failed_at: expect.any(Number) as number,
      errors: [{ code: 'invalid_manifest', message: expect.stringContaining('byte 33') as string }],
    });
  });

  it('rejects bad requests before creating anything', async () => {
    const settings = harness.batchDeps.settings;
    await expect(
      createBatch(harness.batchDeps, parseBatchRequest({ container: harness.output }, settings)),
    ).rejects.toMatchObject({ code: 'blob_not_allowed' });
    expect(() => parseBatchRequest({ prompt: 5 }, settings)).toThrow('"prompt" must be a string');
    expect(() => parseBatchRequest({ model: 'not-allowed' }, settings)).toThrow(
      /Model "not-allowed" is not allowed/,
    );
    expect(() => parseBatchRequest({ colour: 'red' }, settings)).toThrow('unknown field(s): colour');
    expect(() => parseBatchRequest({ manifest: 'nocontainer' }, settings)).toThrow(
      '<container>/<name>.jsonl',
    );
  });
});
