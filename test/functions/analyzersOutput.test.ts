import { HttpRequest, HttpResponse } from '@azure/functions';
import type * as CompletionsModule from '../../src/functions/completions';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import type * as ProcessMediaBlobModule from '../../src/functions/processMediaBlob';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { registerProcessCommand } from '../../src/cli/processCommand';
import type { BatchView } from '../../src/core/batch/BatchView';
import { runBatchQueues } from '../support/runBatchQueues';
import { runCliCommand } from '../support/runCliCommand';
import { uniqueName } from '../support/storage';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  JSON_SCHEMA_NOT_SUPPORTED_BODY,
  invalidResponseFormatSchema,
} from '../../src/emulator/serviceErrors';
import { encodeImage, wav } from '../core/media/fixtures';
import { deliverBlob } from '../support/deliverBlob';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidJsonRequest, expectValidResponse } from '../support/openapi';
import { rawModelServer, type RawAnswer, type RawModelServer } from '../support/rawModelServer';

/**
 * Structured outputs against recorded answer shapes: the raw server answers what a test queues and keeps every
 * request body, so the `response_format` sent, the fallback and the retry are seen on the wire.
 */
const RECEIPT_SCHEMA = {
  type: 'object',
  properties: {
    merchant: { type: 'string' },
    total: { type: 'number' },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
  },
  required: ['merchant', 'total', 'currency'],
  additionalProperties: false,
};
const ANALYZERS = {
  analyzers: {
    receipts: {
      match: ['receipts/'],
      media: ['image'],
      prompt: 'Extract the receipt.',
      output: { name: 'receipt', schema: RECEIPT_SCHEMA },
    },
    // A model without json_schema support (Phi, Llama, the audio previews).
    legacy: {
      match: ['legacy/'],
      model: 'phi-4-multimodal',
      output: { name: 'receipt', schema: RECEIPT_SCHEMA },
    },
    calls: { match: ['calls/'], media: ['audio'], prompt: 'Summarize the call.' },
    // More models without json_schema, each learnt apart: the fallback through HTTP and a batch.
    legacyhttp: { model: 'llama-3.2-vision', output: { name: 'receipt', schema: RECEIPT_SCHEMA } },
    legacybatch: {
      match: ['legacybatch/'],
      model: 'phi-4-mini',
      output: { name: 'receipt', schema: RECEIPT_SCHEMA },
    },
  },
};
const RECEIPT = { merchant: 'Café Nord', total: 12.5, currency: 'EUR' };

/** What a model without structured outputs answers to json_schema (Azure OpenAI's 400, `param` null). */
const JSON_SCHEMA_REFUSED: RawAnswer = { status: 400, body: JSON_SCHEMA_NOT_SUPPORTED_BODY };
/** What the service answers a schema its strict mode refuses, for a rule our own check does not know (yet). */
const SCHEMA_REFUSED: RawAnswer = {
  status: 400,
  body: invalidResponseFormatSchema('receipt', ['properties', 'merchant'], "'x-rule' is not permitted.").body,
};
/** A schema ajv compiles but strict mode refuses: no `additionalProperties: false`, `total` not required. */
const LOOSE_SCHEMA = {
  type: 'object',
  properties: { merchant: { type: 'string' }, total: { type: 'number' } },
  required: ['merchant'],
};
const META_SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../analyzers.json'), 'utf8')) as {
  analyzers: { receipts: { output: { name: string; schema: Record<string, unknown> } } };
};

function completion(content: string, finishReason = 'stop'): RawAnswer {
  return {
    status: 200,
    headers: { 'apim-request-id': 'req-structured' },
    body: {
      id: 'chatcmpl-structured',
      object: 'chat.completion',
      created: 1764400000,
      model: 'gpt-4o-2024-11-20',
      choices: [
        { index: 0, finish_reason: finishReason, message: { role: 'assistant', content, refusal: null } },
      ],
      usage: { prompt_tokens: 310, completion_tokens: 18, total_tokens: 328 },
    },
  };
}

let harness: FunctionsHarness;
let server: RawModelServer;
/** The answers the raw server gives, in order (the last one repeats); each test sets its own. */
const answers: RawAnswer[] = [];
let blob: typeof ProcessMediaBlobModule;
let http: typeof CompletionsModule;
let postBatch: typeof PostBatchModule.postBatch;
let batchHandlers: typeof PlanBatchModule & typeof ProcessBatchItemModule;
const queue = uniqueName('oq');
let png: Buffer;

beforeAll(async () => {
  server = await rawModelServer(answers);
  harness = await functionsHarness(
    {},
    {
      AZURE_INFERENCE_ENDPOINT: `${server.url}/models`,
      AZURE_INFERENCE_AUDIO_MODEL: 'gpt-4o-audio-preview',
      MEDIA_ANALYZERS: JSON.stringify(ANALYZERS),
      MEDIA_RETRY_MAX_ATTEMPTS: '1',
      MEDIA_BATCH_QUEUE: queue,
    },
  );
  blob = await import('../../src/functions/processMediaBlob');
  http = await import('../../src/functions/completions');
  ({ postBatch } = await import('../../src/functions/postBatch'));
  batchHandlers = {
    ...(await import('../../src/functions/planBatch')),
    ...(await import('../../src/functions/processBatchItem')),
  };
  png = await encodeImage('png', 20, 12);
});

afterAll(async () => {
  await Promise.all([harness.close(), server.close()]);
});

/** Queues the answers for the next requests and forgets the requests seen so far. */
function answerWith(...next: RawAnswer[]): void {
  answers.splice(0, answers.length, ...next);
  server.requests.splice(0, server.requests.length);
}

async function deliver(name: string, bytes: Uint8Array = png): Promise<void> {
  await deliverBlob(harness, blob.processMediaBlob, name, bytes);
}

const read = async (name: string) => (await harness.blobs.readJson(harness.output, name))?.value;

function systemMessage(body: Record<string, unknown> | undefined): string {
  const [system] = (body?.messages ?? []) as { role: string; content: string }[];
  return system?.content ?? '';
}

describe('structured outputs through the blob trigger', () => {
  it('asks for json_schema (strict) and records the validated output beside the completion', async () => {
    answerWith(completion(JSON.stringify(RECEIPT)));
    await deliver('receipts/ok.png');
    const document = await read('receipts/ok.png.json');
    expectValidResultDocument(document);
    expect(document).toMatchObject({
      analyzer: 'receipts',
      output: RECEIPT,
      completion: JSON.stringify(RECEIPT),
      usage: { prompt_tokens: 310, completion_tokens: 18, total_tokens: 328 },
      attempts: 1,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      model: 'gpt-4o',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'receipt', schema: RECEIPT_SCHEMA, strict: true },
      },
    });
  });

  it('asks once more for text the schema refuses, then records output_invalid with the errors and the text', async () => {
    answerWith(
      completion('Here is the receipt: Café Nord, 12.50'),
      completion('{"merchant": "Café Nord", "total": "12.50"}'),
    );
    await deliver('receipts/invalid.png');
    const document = await read('receipts/invalid.png.error.json');
    expectValidErrorDocument(document);
    expect(document.error).toMatchObject({
      code: 'output_invalid',
      retryable: false,
      attempts: 2,
      completion: '{"merchant": "Café Nord", "total": "12.50"}',
    });
    expect(document.error.validationErrors).toEqual(
      expect.arrayContaining(["/ must have required property 'currency'", '/total must be number']),
    );
    expect(server.requests).toHaveLength(2);
  });

  it('succeeds when the second answer is valid, counting both attempts', async () => {
    answerWith(completion('not json'), completion(JSON.stringify(RECEIPT)));
    await deliver('receipts/second.png');
    expect(await read('receipts/second.png.json')).toMatchObject({ output: RECEIPT, attempts: 2 });
  });

  it('records JSON cut at the token limit as output_truncated, without asking again', async () => {
    answerWith(completion('{"merchant": "Café No', 'length'));
    await deliver('receipts/cut.png');
    const document = await read('receipts/cut.png.error.json');
    expectValidErrorDocument(document);
    expect(document.error).toMatchObject({ code: 'output_truncated', retryable: false, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to json_object with the schema in the system message, learnt once per process and model', async () => {
    answerWith(JSON_SCHEMA_REFUSED, completion(JSON.stringify(RECEIPT)));
    await deliver('legacy/first.png');
    expect(await read('legacy/first.png.json')).toMatchObject({ output: RECEIPT, attempts: 1 });
    // The refusal is not a failure: the same call went again at once as JSON mode.
    expect(server.requests.map((body) => body.response_format)).toEqual([
      expect.objectContaining({ type: 'json_schema' }),
      { type: 'json_object' },
    ]);
    expect(systemMessage(server.requests[1])).toContain(JSON.stringify(RECEIPT_SCHEMA));

    answerWith(completion(JSON.stringify(RECEIPT)));
    await deliver('legacy/second.png');
    expect(await read('legacy/second.png.json')).toMatchObject({ output: RECEIPT, attempts: 1 });
    expect(server.requests.map((body) => body.response_format)).toEqual([{ type: 'json_object' }]);
    // Learnt for that model only: gpt-4o is still asked with json_schema.
    answerWith(completion(JSON.stringify(RECEIPT)));
    await deliver('receipts/after.png');
    expect(server.requests[0]).toMatchObject({ response_format: { type: 'json_schema' } });
  });

  it('sends audio to AZURE_INFERENCE_AUDIO_MODEL and images to AZURE_INFERENCE_MODEL', async () => {
    answerWith(completion('A short call about an invoice.'));
    await deliver('calls/voice.wav', wav({ seconds: 0.2 }));
    await deliver('other/photo.png');
    expect(server.requests.map((body) => body.model)).toEqual(['gpt-4o-audio-preview', 'gpt-4o']);
    expect(server.requests[0]?.response_format).toBeUndefined();
    expect(await read('calls/voice.wav.json')).toMatchObject({
      analyzer: 'calls',
      request: { model: 'gpt-4o-audio-preview' },
    });
  });
});

/** Creates a batch over `prefix` (POST /api/batches) and runs its queues; the batch's id. */
async function runBatch(prefix: string): Promise<string> {
  const created = await postBatch(
    new HttpRequest({
      method: 'POST',
      url: 'https://app.example/api/batches',
      body: { string: JSON.stringify({ prefix }) },
    }),
    harness.context('postBatch', {}),
  );
  const { id } = created.jsonBody as BatchView;
  await runBatchQueues(harness, queue, batchHandlers);
  return id;
}

async function postJson(value: Record<string, unknown>) {
  expectValidJsonRequest(value);
  const response = new HttpResponse(
    await http.completions(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/completions',
        headers: { 'content-type': 'application/json' },
        body: { string: JSON.stringify(value) },
      }),
      harness.context('completions', {}),
    ),
  );
  const body = (await response.json()) as Record<string, unknown>;
  expectValidResponse(response.status, body);
  return { status: response.status, body };
}

describe('audio goes to AZURE_INFERENCE_AUDIO_MODEL through every entry point', () => {
  it('HTTP', async () => {
    answerWith(completion('A short call.'));
    const answer = await postJson({
      prompt: 'Summarize.',
      media: [{ data: wav({ seconds: 0.2 }).toString('base64') }],
    });
    expect(answer.status).toBe(200);
    expect(server.requests.map((body) => body.model)).toEqual(['gpt-4o-audio-preview']);
  });

  it('batch', async () => {
    await harness.blobs.upload(harness.input, 'audio-batch/a.wav', wav({ seconds: 0.2 }));
    await harness.blobs.upload(harness.input, 'audio-batch/b.png', png);
    answerWith(completion('Something.'));
    const id = await runBatch('audio-batch/');
    expect([...server.requests.map((body) => body.model)].sort()).toEqual(['gpt-4o', 'gpt-4o-audio-preview']);
    expect(await read(`batches/${id}/items/audio-batch/a.wav.json`)).toMatchObject({
      request: { model: 'gpt-4o-audio-preview' },
    });
  });

  it('CLI process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-audio-'));
    writeFileSync(path.join(dir, 'a.wav'), wav({ seconds: 0.2 }));
    answerWith(completion('A short call.'));
    await runCliCommand(registerProcessCommand, 'process', [
      '--prefix',
      'audio-cli/',
      path.join(dir, 'a.wav'),
    ]);
    expect(server.requests.map((body) => body.model)).toEqual(['gpt-4o-audio-preview']);
    expect(await read('audio-cli/a.wav.json')).toMatchObject({ request: { model: 'gpt-4o-audio-preview' } });
  });
});

describe('the json_object fallback for a model without json_schema', () => {
  it('HTTP', async () => {
    answerWith(JSON_SCHEMA_REFUSED, completion(JSON.stringify(RECEIPT)));
    const answer = await postJson({ media: [{ data: png.toString('base64') }], analyzer: 'legacyhttp' });
    expect(answer).toMatchObject({ status: 200, body: { analyzer: 'legacyhttp', output: RECEIPT } });
    expect(server.requests.map((body) => body.response_format)).toEqual([
      expect.objectContaining({ type: 'json_schema' }),
      { type: 'json_object' },
    ]);
  });

  it('batch', async () => {
    await harness.blobs.upload(harness.input, 'legacybatch/a.png', png);
    answerWith(JSON_SCHEMA_REFUSED, completion(JSON.stringify(RECEIPT)));
    const id = await runBatch('legacybatch/');
    expect(await read(`batches/${id}/items/legacybatch/a.png.json`)).toMatchObject({
      analyzer: 'legacybatch',
      output: RECEIPT,
    });
    expect(server.requests.map((body) => body.response_format)).toEqual([
      expect.objectContaining({ type: 'json_schema' }),
      { type: 'json_object' },
    ]);
    expect(systemMessage(server.requests[1])).toContain(JSON.stringify(RECEIPT_SCHEMA));
  });
});

describe('POST /api/completions with an ad-hoc output', () => {
  const post = postJson;

  const colors = {
    name: 'colors',
    schema: {
      type: 'object',
      properties: { colors: { type: 'array', items: { type: 'string' } } },
      required: ['colors'],
      additionalProperties: false,
    },
  };

  it('answers the validated output of a schema the request carries', async () => {
    answerWith(completion('{"colors": ["red", "blue"]}'));
    const answer = await post({
      prompt: 'Which colors?',
      media: [{ data: png.toString('base64') }],
      output: colors,
    });
    expect(answer).toMatchObject({ status: 200, body: { output: { colors: ['red', 'blue'] } } });
    expect(server.requests[0]).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'colors', strict: true } },
    });
  });

  it('answers 400 invalid_output_schema for a schema that does not compile, without a model call', async () => {
    answerWith(completion('{}'));
    const answer = await post({
      prompt: 'Which colors?',
      media: [{ data: png.toString('base64') }],
      output: { name: 'colors', schema: { type: 'object', properties: { colors: { type: 'list' } } } },
    });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_output_schema' } } });
    expect(server.requests).toHaveLength(0);
  });

  it('answers 400 invalid_output_schema with the path for a schema strict mode refuses, without a model call', async () => {
    answerWith(completion('{}'));
    const answer = await post({
      prompt: 'Extract.',
      media: [{ data: png.toString('base64') }],
      output: { name: 'receipt', schema: LOOSE_SCHEMA },
    });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_output_schema' } } });
    expect(JSON.stringify(answer.body)).toContain('$.output.schema.additionalProperties');
    const oversized = { ...colors.schema, description: 'x'.repeat(16 * 1024) };
    expect(
      await post({
        prompt: 'Which?',
        media: [{ data: png.toString('base64') }],
        output: { name: 'c', schema: oversized },
      }),
    ).toMatchObject({ status: 400, body: { error: { code: 'invalid_output_schema' } } });
    expect(server.requests).toHaveLength(0);
  });

  it('answers 400 invalid_output_schema when the service refuses the schema after all, and keeps calling the model', async () => {
    answerWith(SCHEMA_REFUSED, completion('{"colors": ["red"]}'));
    const refused = await post({
      prompt: 'Which colors?',
      media: [{ data: png.toString('base64') }],
      output: colors,
    });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_output_schema' } } });
    // The caller's fault: no breaker opened, the next request is answered.
    const next = await post({
      prompt: 'Which colors?',
      media: [{ data: png.toString('base64') }],
      output: colors,
    });
    expect(next).toMatchObject({ status: 200, body: { output: { colors: ['red'] } } });
  });

  it('takes the shipped receipts schema (9 levels of JSON in the request) as an ad-hoc output', async () => {
    const receipt = { merchant: 'Café Nord', date: null, currency: 'EUR', total: 3, line_items: [] };
    answerWith(completion(JSON.stringify(receipt)));
    const answer = await post({
      prompt: 'Extract the receipt.',
      media: [{ data: png.toString('base64') }],
      output: shipped.analyzers.receipts.output,
    });
    expect(answer).toMatchObject({ status: 200, body: { output: receipt } });
  });

  it('keeps one caller’s schema from touching another’s: the meta-schema cannot be replaced or removed', async () => {
    const declared = (description: string) => ({
      name: 'colors',
      schema: { $schema: META_SCHEMA, description, ...colors.schema },
    });
    const media = [{ data: png.toString('base64') }];
    answerWith(completion('{"colors": ["red"]}'));
    expect((await post({ prompt: 'Which?', media, output: declared('before') })).status).toBe(200);
    const hostile = { name: 'x', schema: { $id: META_SCHEMA, ...colors.schema } };
    expect(await post({ prompt: 'Which?', media, output: hostile })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_output_schema' } },
    });
    expect((await post({ prompt: 'Which?', media, output: declared('after') })).status).toBe(200);
  });

  it('answers 502 output_invalid when the model never gives valid JSON', async () => {
    answerWith(completion('red and blue'));
    const answer = await post({
      prompt: 'Which colors?',
      media: [{ data: png.toString('base64') }],
      output: colors,
    });
    expect(answer).toMatchObject({ status: 502, body: { error: { code: 'output_invalid' } } });
    expect(server.requests).toHaveLength(2);
  });
});

describe('an analyzer schema the service refuses', () => {
  it('is a configuration fault naming MEDIA_ANALYZERS: no document settles the input', async () => {
    await jest.isolateModulesAsync(async () => {
      // A fresh process (its own breaker), whose analyzer schema passes our check but not the service's.
      const fresh = await import('../../src/functions/processMediaBlob');
      answerWith(SCHEMA_REFUSED);
      const failure = await deliverBlob(harness, fresh.processMediaBlob, 'receipts/refused.png', png).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({
        code: 'output_schema_refused',
        errorClass: 'configuration',
        retryable: true,
        message: expect.stringContaining('MEDIA_ANALYZERS') as unknown,
      });
      expect(await read('receipts/refused.png.error.json')).toBeUndefined();
      expect(await read('receipts/refused.png.json')).toBeUndefined();
    });
  });
});

describe('the start', () => {
  it('fails with an error naming MEDIA_ANALYZERS and the JSON path of the problem', async () => {
    const saved = process.env.MEDIA_ANALYZERS;
    process.env.MEDIA_ANALYZERS = JSON.stringify({ analyzers: { receipts: { max_tokens: 0 } } });
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../src/functions/processMediaBlob')).rejects.toThrow(
          'MEDIA_ANALYZERS $.analyzers.receipts.max_tokens must be >= 1',
        );
      });
    } finally {
      process.env.MEDIA_ANALYZERS = saved;
    }
  });

  it('fails for a bad MEDIA_ANALYZERS_FILE, naming the file and the JSON path', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mc-analyzers-')), 'analyzers.json');
    writeFileSync(file, JSON.stringify({ analyzers: { receipts: { match: 'receipts/' } } }));
    const saved = { inline: process.env.MEDIA_ANALYZERS, file: process.env.MEDIA_ANALYZERS_FILE };
    process.env.MEDIA_ANALYZERS = '';
    process.env.MEDIA_ANALYZERS_FILE = file;
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../src/functions/processMediaBlob')).rejects.toThrow(
          `MEDIA_ANALYZERS_FILE (${file}) $.analyzers.receipts.match must be array`,
        );
      });
    } finally {
      process.env.MEDIA_ANALYZERS = saved.inline;
      if (saved.file === undefined) Reflect.deleteProperty(process.env, 'MEDIA_ANALYZERS_FILE');
      else process.env.MEDIA_ANALYZERS_FILE = saved.file;
    }
  });

  it('fails for a schema strict structured outputs refuse, naming MEDIA_ANALYZERS and the schema’s path', async () => {
    const saved = process.env.MEDIA_ANALYZERS;
    process.env.MEDIA_ANALYZERS = JSON.stringify({
      analyzers: { receipts: { match: ['receipts/'], output: { name: 'receipt', schema: LOOSE_SCHEMA } } },
    });
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../src/functions/processMediaBlob')).rejects.toThrow(
          "MEDIA_ANALYZERS $.analyzers.receipts.output.schema.additionalProperties 'additionalProperties' is required",
        );
      });
    } finally {
      process.env.MEDIA_ANALYZERS = saved;
    }
  });
});
