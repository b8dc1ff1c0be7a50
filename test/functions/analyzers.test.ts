import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpRequest, HttpResponse } from '@azure/functions';
import type { BatchView } from '../../src/core/batch/BatchView';
import type * as CompletionsModule from '../../src/functions/completions';
import type * as GetBatchModule from '../../src/functions/getBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import type * as ProcessMediaBlobModule from '../../src/functions/processMediaBlob';
import { outputValidator } from '../../src/core/analyzers/outputValidator';
import { encodeImage, wav } from '../core/media/fixtures';
import { CALL_SCHEMA, RECEIPT_SCHEMA } from '../fixtures/outputSchemas';
import { deliverBlob } from '../support/deliverBlob';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import {
  expectValidJsonRequest,
  expectValidOperationResponse,
  expectValidResponse,
} from '../support/openapi';
import { runBatchQueues } from '../support/runBatchQueues';
import { uniqueName } from '../support/storage';
import { registerProcessCommand } from '../../src/cli/processCommand';
import { runCliCommand } from '../support/runCliCommand';

/**
 * Routing, prompts and media kinds, and structured outputs from a model that takes `json_schema` (the fallback and
 * the failures: analyzersEmulator.test.ts and analyzersOutput.test.ts).
 */
const ANALYZERS = {
  default: 'describe',
  analyzers: {
    describe: { prompt: 'Describe this file.' },
    receipts: {
      match: ['receipts/'],
      media: ['image'],
      system: 'You read receipts.',
      prompt: 'Extract the receipt.',
      detail: 'high',
      max_tokens: 800,
    },
    scans: { match: ['receipts/scans/'], prompt: 'Read the scanned page.' },
    calls: { match: ['calls/'], media: ['audio'], prompt: 'Summarize the call.' },
    forms: { match: ['forms/'], media: ['image'], output: { name: 'receipt', schema: RECEIPT_SCHEMA } },
    meetings: { match: ['meetings/'], output: { name: 'call', schema: CALL_SCHEMA } },
  },
};

let harness: FunctionsHarness;
let queue: string;
let blob: typeof ProcessMediaBlobModule;
let http: typeof CompletionsModule;
let post: typeof PostBatchModule;
let get: typeof GetBatchModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let png: Buffer;

beforeAll(async () => {
  queue = uniqueName('aq');
  harness = await functionsHarness(
    {},
    { MEDIA_ANALYZERS: JSON.stringify(ANALYZERS), MEDIA_BATCH_QUEUE: queue },
  );
  blob = await import('../../src/functions/processMediaBlob');
  http = await import('../../src/functions/completions');
  post = await import('../../src/functions/postBatch');
  get = await import('../../src/functions/getBatch');
  plan = await import('../../src/functions/planBatch');
  item = await import('../../src/functions/processBatchItem');
  png = await encodeImage('png', 24, 16);
});

afterAll(async () => {
  await harness.close();
});

const calls = () => harness.emulator.stats().chatCompletions;

async function deliver(name: string, bytes: Uint8Array, metadata: Record<string, string> = {}) {
  await deliverBlob(harness, blob.processMediaBlob, name, bytes, { metadata });
}

async function resultOf(name: string) {
  const document = (await harness.blobs.readJson(harness.output, `${name}.json`))?.value;
  expectValidResultDocument(document);
  return document;
}

async function errorOf(name: string) {
  const document = (await harness.blobs.readJson(harness.output, `${name}.error.json`))?.value;
  expectValidErrorDocument(document);
  return document;
}

describe('blob trigger', () => {
  it('routes by the longest match prefix, else the default, with the analyzer’s fields over the settings', async () => {
    await deliver('receipts/a.png', png);
    await deliver('receipts/scans/b.png', png);
    await deliver('elsewhere/receipts/c.png', png);
    expect(await resultOf('receipts/a.png')).toMatchObject({
      analyzer: 'receipts',
      request: {
        systemPrompt: 'You read receipts.',
        prompt: 'Extract the receipt.',
        detail: 'high',
        maxTokens: 800,
      },
    });
    const scans = await resultOf('receipts/scans/b.png');
    expect(scans).toMatchObject({
      analyzer: 'scans',
      request: { prompt: 'Read the scanned page.', maxTokens: 1024 },
    });
    // Unset fields fall back to the settings.
    expect(scans.request.systemPrompt).toBe(
      (await resultOf('elsewhere/receipts/c.png')).request.systemPrompt,
    );
    expect(await resultOf('elsewhere/receipts/c.png')).toMatchObject({
      analyzer: 'describe',
      request: { prompt: 'Describe this file.', detail: 'auto' },
    });
  });

  it('takes the analyzer blob metadata names, and records an unknown one as invalid_override without a call', async () => {
    await deliver('receipts/meta.png', png, { Analyzer: 'scans', prompt: 'Only the total.' });
    expect(await resultOf('receipts/meta.png')).toMatchObject({
      analyzer: 'scans',
      request: { prompt: 'Only the total.' },
    });
    const before = calls();
    await deliver('receipts/unknown.png', png, { analyzer: 'invoices' });
    expect((await errorOf('receipts/unknown.png')).error).toMatchObject({
      code: 'invalid_override',
      retryable: false,
      attempts: 0,
      message: expect.stringContaining('"invoices"') as string,
    });
    expect(calls()).toBe(before);
  });

  it('refuses a media kind the analyzer does not accept with media_not_accepted, naming it, without a call', async () => {
    const before = calls();
    await deliver('calls/photo.png', png);
    await deliver('receipts/voice.wav', wav({ seconds: 0.2 }));
    expect((await errorOf('calls/photo.png')).error).toMatchObject({
      code: 'media_not_accepted',
      retryable: false,
      attempts: 0,
      message: expect.stringContaining('"calls"') as string,
    });
    expect((await errorOf('receipts/voice.wav')).error.message).toContain('"receipts"');
    expect(calls()).toBe(before);
    await deliver('calls/voice.wav', wav({ seconds: 0.2 }));
    expect(await resultOf('calls/voice.wav')).toMatchObject({
      analyzer: 'calls',
      request: { prompt: 'Summarize the call.', detail: null },
    });
  });
});

describe('CLI process', () => {
  it('records media_not_accepted for a kind the analyzer does not take, without a call', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-media-'));
    writeFileSync(path.join(dir, 'voice.wav'), wav({ seconds: 0.2 }));
    const before = calls();
    await runCliCommand(registerProcessCommand, 'process', [
      '--prefix',
      'receipts/cli/',
      path.join(dir, 'voice.wav'),
    ]);
    expect((await errorOf('receipts/cli/voice.wav')).error).toMatchObject({
      code: 'media_not_accepted',
      message: expect.stringContaining('"receipts"') as string,
    });
    expect(calls()).toBe(before);
  });
});

describe('structured outputs', () => {
  it('records the output the model gave for the schema, image and audio alike, beside the raw completion', async () => {
    await deliver('forms/a.png', png);
    await deliver('meetings/a.wav', wav({ seconds: 0.3 }));
    for (const [name, schema] of [
      ['forms/a.png', RECEIPT_SCHEMA],
      ['meetings/a.wav', CALL_SCHEMA],
    ] as const) {
      const document = await resultOf(name);
      expect(document.analyzer).toBe(name.startsWith('forms/') ? 'forms' : 'meetings');
      expect(outputValidator(schema)(document.output)).toBeUndefined();
      expect(JSON.parse(document.completion ?? '')).toEqual(document.output);
      // json_schema needs an api-version from 2024-08-01-preview on, images too.
      expect(document.request.apiVersion).toBe('2025-01-01-preview');
    }
  });
});

describe('POST /api/completions', () => {
  async function invoke(
    body: { string?: string; bytes?: Buffer },
    headers: Record<string, string>,
    query: Record<string, string> = {},
  ) {
    const search = new URLSearchParams(query).toString();
    const response = new HttpResponse(
      await http.completions(
        new HttpRequest({
          method: 'POST',
          url: `http://localhost:7071/api/completions${search === '' ? '' : `?${search}`}`,
          headers,
          query,
          body,
        }),
        harness.context('completions', {}),
      ),
    );
    const json = (await response.json()) as Record<string, unknown>;
    expectValidResponse(response.status, json);
    return { status: response.status, body: json };
  }

  const json = (value: Record<string, unknown>, query: Record<string, string> = {}) => {
    expectValidJsonRequest(value);
    return invoke({ string: JSON.stringify(value) }, { 'content-type': 'application/json' }, query);
  };
  const media = () => [{ data: png.toString('base64') }];

  it('takes analyzer as a JSON field, a form field or a query parameter; the prompt is then optional', async () => {
    expect(await json({ media: media(), analyzer: 'receipts' })).toMatchObject({
      status: 200,
      body: { analyzer: 'receipts' },
    });
    expect(harness.emulator.stats().received.at(-1)?.media).toHaveLength(1);
    expect(await json({ media: media() }, { analyzer: 'scans' })).toMatchObject({
      body: { analyzer: 'scans' },
    });
    // Without a name: the default analyzer.
    expect(await json({ media: media(), prompt: 'What is this?' })).toMatchObject({
      status: 200,
      body: { analyzer: 'describe', completion: expect.stringContaining('What is this?') as string },
    });
    const form = new FormData();
    form.append('analyzer', 'receipts');
    form.append('file', new Blob([png], { type: 'image/png' }), 'r.png');
    const encoded = new Request('http://localhost', { method: 'POST', body: form });
    expect(
      await invoke(
        { bytes: Buffer.from(await encoded.arrayBuffer()) },
        { 'content-type': encoded.headers.get('content-type') ?? '' },
      ),
    ).toMatchObject({ status: 200, body: { analyzer: 'receipts' } });
    expect(
      await invoke({ bytes: png }, { 'content-type': 'image/png' }, { analyzer: 'scans' }),
    ).toMatchObject({ status: 200, body: { analyzer: 'scans' } });
  });

  it('answers 400 unknown_analyzer for a name that is not configured, 415 media_not_accepted, no call', async () => {
    const before = calls();
    expect(await json({ media: media(), analyzer: 'invoices' })).toMatchObject({
      status: 400,
      body: { error: { code: 'unknown_analyzer' } },
    });
    expect(
      await json({ media: [{ data: wav({ seconds: 0.2 }).toString('base64') }], analyzer: 'receipts' }),
    ).toMatchObject({
      status: 415,
      body: { error: { code: 'media_not_accepted' } },
    });
    expect(calls()).toBe(before);
  });

  it('refuses ?stream=true with a structured output (it is validated whole), without a call', async () => {
    const before = calls();
    expect(await json({ media: media(), analyzer: 'forms' }, { stream: 'true' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_option', message: expect.stringContaining('"forms"') as string } },
    });
    expect(calls()).toBe(before);
  });
});

describe('batches', () => {
  async function postBatch(body: Record<string, unknown>) {
    const answer = await post.postBatch(
      new HttpRequest({
        method: 'POST',
        url: 'https://app.example/api/batches',
        body: { string: JSON.stringify(body) },
      }),
      harness.context('postBatch', {}),
    );
    expectValidOperationResponse('/batches', 'post', answer.status ?? 200, answer.jsonBody);
    return answer;
  }

  async function runAll(id: string): Promise<void> {
    const messages = await runBatchQueues(harness, queue, { ...plan, ...item });
    expect(messages.map((message) => message.batchId)).toEqual(messages.map(() => id));
  }

  it('applies the analyzer POST /api/batches names to every item, recorded on the batch', async () => {
    await Promise.all(['b1/1.png', 'b1/2.png'].map((name) => harness.blobs.upload(harness.input, name, png)));
    const created = await postBatch({ prefix: 'b1/', analyzer: 'receipts' });
    expect(created.status).toBe(202);
    const { id } = created.jsonBody as BatchView;
    expect((await harness.blobs.readJson(harness.output, `batches/${id}/batch.json`))?.value).toMatchObject({
      analyzer: 'receipts',
    });
    await runAll(id);
    const status = await get.getBatch(
      new HttpRequest({ method: 'GET', url: `https://app.example/api/batches/${id}`, params: { id } }),
      harness.context('getBatch', {}),
    );
    expectValidOperationResponse('/batches/{id}', 'get', status.status ?? 200, status.jsonBody);
    expect(status.jsonBody).toMatchObject({ id, analyzer: 'receipts' });
    for (const name of ['b1/1.png', 'b1/2.png']) {
      const document = (await harness.blobs.readJson(harness.output, `batches/${id}/items/${name}.json`))
        ?.value;
      expectValidResultDocument(document);
      expect(document).toMatchObject({ analyzer: 'receipts', request: { prompt: 'Extract the receipt.' } });
    }
  });

  it('records media_not_accepted for an item the analyzer does not take, without a call', async () => {
    await harness.blobs.upload(harness.input, 'b3/voice.wav', wav({ seconds: 0.2 }));
    const { id } = (await postBatch({ prefix: 'b3/', analyzer: 'receipts' })).jsonBody as BatchView;
    const before = calls();
    await runAll(id);
    const document = (
      await harness.blobs.readJson(harness.output, `batches/${id}/items/b3/voice.wav.error.json`)
    )?.value;
    expectValidErrorDocument(document);
    expect(document.error).toMatchObject({
      code: 'media_not_accepted',
      retryable: false,
      message: expect.stringContaining('"receipts"') as string,
    });
    expect(calls()).toBe(before);
  });

  it('routes by prefix without one, takes a manifest line’s analyzer, and refuses an unknown one with 400', async () => {
    await harness.blobs.upload(harness.input, 'receipts/b2.png', png);
    await harness.blobs.upload(harness.input, 'b2/plain.png', png);
    const manifest = [
      { custom_id: 'routed', blob: `${harness.input}/receipts/b2.png` },
      { custom_id: 'named', blob: `${harness.input}/b2/plain.png`, analyzer: 'scans' },
      { custom_id: 'unknown', blob: `${harness.input}/b2/plain.png`, analyzer: 'invoices' },
    ];
    await harness.blobs.upload(
      harness.input,
      'b2.jsonl',
      Buffer.from(manifest.map((line) => JSON.stringify(line)).join('\n')),
    );
    expect(await postBatch({ manifest: `${harness.input}/b2.jsonl`, analyzer: 'invoices' })).toMatchObject({
      status: 400,
      jsonBody: { error: { code: 'unknown_analyzer' } },
    });
    const created = await postBatch({ manifest: `${harness.input}/b2.jsonl` });
    const { id } = created.jsonBody as BatchView;
    await runAll(id);
    const read = async (key: string, suffix: string) =>
      (await harness.blobs.readJson(harness.output, `batches/${id}/items/${key}${suffix}`))?.value;
    expect(await read('routed', '.json')).toMatchObject({ analyzer: 'receipts' });
    expect(await read('named', '.json')).toMatchObject({ analyzer: 'scans' });
    expect(await read('unknown', '.error.json')).toMatchObject({ error: { code: 'invalid_override' } });
  });
});
