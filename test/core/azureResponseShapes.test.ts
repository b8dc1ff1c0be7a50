import { createModelGateway } from '../../src/adapters/createModelGateway';
import { handleCompletionRequest } from '../../src/core/http/handleCompletionRequest';
import { processBlob } from '../../src/core/blob/processBlob';
import { TokenLimitParameter } from '../../src/core/retry/TokenLimitParameter';
import { encodeImage } from './media/fixtures';
import { expectValidResultDocument } from '../support/documentSchemas';
import { expectValidResponse } from '../support/openapi';
import { testConfig } from '../support/pipeline';
import { pipelineHarness, type PipelineHarness } from '../support/pipelineHarness';
import { rawModelServer, type RawAnswer, type RawModelServer } from '../support/rawModelServer';

/**
 * Response shapes of real Azure endpoints (recorded answers and Azure's published examples), served byte for byte
 * to the real SDK adapter.
 */
const SAFE = { filtered: false, severity: 'safe' };
const SAFE_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const USAGE_WITH_DETAILS = {
  completion_tokens: 12,
  prompt_tokens: 1170,
  // Not the sum of the parts: cached and reasoning tokens are billed differently, and totals come as they are.
  total_tokens: 1190,
  completion_tokens_details: {
    accepted_prediction_tokens: 0,
    audio_tokens: 0,
    reasoning_tokens: 8,
    rejected_prediction_tokens: 0,
  },
  prompt_tokens_details: { audio_tokens: 0, cached_tokens: 1024 },
};
const REFUSAL = "I'm sorry, I can't assist with that request.";

const refusalAnswer = (content: null | ''): RawAnswer => ({
  status: 200,
  headers: { 'apim-request-id': 'req-refusal' },
  body: {
    choices: [
      {
        content_filter_results: SAFE_RESULTS,
        finish_reason: 'stop',
        index: 0,
        logprobs: null,
        message: { content, refusal: REFUSAL, role: 'assistant' },
      },
    ],
    created: 1727000000,
    id: 'chatcmpl-refusal',
    model: 'gpt-4o-2024-08-06',
    object: 'chat.completion',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_RESULTS }],
    system_fingerprint: 'fp_abc',
    usage: USAGE_WITH_DETAILS,
  },
});

const CONTENT_FILTER_200: RawAnswer = {
  status: 200,
  body: {
    id: 'chatcmpl-filtered',
    object: 'chat.completion',
    created: 1727000000,
    model: 'gpt-4o-2024-11-20',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_RESULTS }],
    choices: [
      {
        index: 0,
        finish_reason: 'content_filter',
        message: { role: 'assistant', content: null },
        content_filter_results: { ...SAFE_RESULTS, sexual: { filtered: true, severity: 'medium' } },
      },
    ],
    usage: { completion_tokens: 27, prompt_tokens: 1123, total_tokens: 1150 },
  },
};

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  choices,
  created: 1733000000,
  id: 'chatcmpl-stream',
  model: 'gpt-4o-2024-11-20',
  object: 'chat.completion.chunk',
  system_fingerprint: 'fp_abc',
  usage: null,
  ...extra,
});

/** Azure's streamed sequence: prompt filter chunk, deltas, finish, an annotation-only chunk, the usage chunk. */
const STREAM_EVENTS = [
  {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_RESULTS }],
  },
  chunk([
    {
      content_filter_results: {},
      delta: { content: '', refusal: null, role: 'assistant' },
      finish_reason: null,
      index: 0,
      logprobs: null,
    },
  ]),
  chunk([
    {
      content_filter_results: SAFE_RESULTS,
      delta: { content: 'A red ' },
      finish_reason: null,
      index: 0,
      logprobs: null,
    },
  ]),
  chunk([
    {
      content_filter_results: SAFE_RESULTS,
      delta: { content: 'square.' },
      finish_reason: null,
      index: 0,
      logprobs: null,
    },
  ]),
  chunk([{ content_filter_results: {}, delta: {}, finish_reason: 'stop', index: 0, logprobs: null }]),
  {
    choices: [
      {
        content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 13 },
        content_filter_results: SAFE_RESULTS,
        finish_reason: null,
        index: 0,
      },
    ],
    created: 0,
    id: '',
    model: '',
    object: '',
  },
  chunk([], { usage: USAGE_WITH_DETAILS }),
];

const STREAMED_REFUSAL = [
  STREAM_EVENTS[0],
  chunk([
    {
      content_filter_results: {},
      delta: { content: null, refusal: '', role: 'assistant' },
      finish_reason: null,
      index: 0,
    },
  ]),
  chunk([{ content_filter_results: {}, delta: { refusal: "I'm sorry, " }, finish_reason: null, index: 0 }]),
  chunk([
    {
      content_filter_results: {},
      delta: { refusal: "I can't assist with that request." },
      finish_reason: null,
      index: 0,
    },
  ]),
  chunk([{ content_filter_results: {}, delta: {}, finish_reason: 'stop', index: 0 }]),
  chunk([], { usage: USAGE_WITH_DETAILS }),
];

let harness: PipelineHarness;
let server: RawModelServer | undefined;
const servers: RawModelServer[] = [];

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()));
  server = undefined;
});

afterAll(async () => {
  await harness.close();
});

/** The harness's deps with the real SDK adapter pointed at a server answering `answers`. */
async function against(answers: RawAnswer[], env: Record<string, string> = {}) {
  server = await rawModelServer(answers);
  servers.push(server);
  const config = testConfig({ AZURE_INFERENCE_ENDPOINT: `${server.url}/models`, ...env });
  return {
    ...harness.deps,
    model: await createModelGateway(config.inference),
    settings: {
      ...harness.deps.settings,
      ...config.pipeline,
      inputContainer: harness.input,
      outputContainer: harness.output,
    },
  };
}

async function httpJson(deps: Awaited<ReturnType<typeof against>>, stream = false) {
  const png = await encodeImage('png', 8, 8);
  return handleCompletionRequest(
    { ...deps, http: { ...harness.config.http }, newId: () => 'shape-id' },
    {
      headers: new Headers({ 'content-type': 'image/png' }),
      query: new URLSearchParams({ prompt: 'Describe', ...(stream ? { stream: 'true' } : {}) }),
      body: (async function* () {
        yield await Promise.resolve(png);
      })(),
    },
  );
}

async function readEvents(answer: Awaited<ReturnType<typeof httpJson>>): Promise<string> {
  if (!('events' in answer)) throw new Error('expected a stream');
  let text = '';
  for await (const part of answer.events) text += Buffer.from(part).toString('utf8');
  return text;
}

describe.each([
  ['null', null],
  ['empty', ''],
] as const)('a refusal with content %s', (_name, content) => {
  it('is recorded as a refusal in the result document, never as an empty completion', async () => {
    const deps = await against([refusalAnswer(content)]);
    const name = `refused-${_name}.png`;
    await harness.blobs.upload(harness.input, name, await encodeImage('png', 8, 8));
    const outcome = await processBlob(deps, { container: harness.input, name });
    expect(outcome.status).toBe('succeeded');
    const document = (await harness.blobs.readJson(harness.output, `${name}.json`))?.value;
    expect(document).toMatchObject({
      completion: null,
      refusal: REFUSAL,
      finishReason: 'stop',
      usage: USAGE_WITH_DETAILS,
    });
    expectValidResultDocument(document);
    // Verbatim: the details objects kept, the total not recomputed from the parts.
    expect((document as { usage: unknown }).usage).toEqual(USAGE_WITH_DETAILS);
  });

  it('is in the HTTP answer', async () => {
    const answer = await httpJson(await against([refusalAnswer(content)]));
    expect(answer.status).toBe(200);
    if (!('json' in answer)) throw new Error('expected JSON');
    expect(answer.json).toMatchObject({ completion: null, refusal: REFUSAL, requestId: 'req-refusal' });
    expectValidResponse(200, answer.json);
  });
});

it('a 200 that ends with content_filter records the flagged categories and the billed usage verbatim', async () => {
  const deps = await against([CONTENT_FILTER_200]);
  await harness.blobs.upload(harness.input, 'filtered.png', await encodeImage('png', 8, 8));
  await processBlob(deps, { container: harness.input, name: 'filtered.png' });
  const document = (await harness.blobs.readJson(harness.output, 'filtered.png.json'))?.value;
  expect(document).toMatchObject({
    status: 'succeeded',
    completion: null,
    finishReason: 'content_filter',
    filteredCategories: ['sexual'],
    usage: { completion_tokens: 27, prompt_tokens: 1123, total_tokens: 1150 },
  });
  expectValidResultDocument(document);
  const answer = await httpJson(await against([CONTENT_FILTER_200]));
  if (!('json' in answer)) throw new Error('expected JSON');
  expect(answer.json).toMatchObject({ finishReason: 'content_filter', filteredCategories: ['sexual'] });
  expectValidResponse(200, answer.json);
});

it("reads Azure's streamed sequence: prompt-filter chunk, annotation-only chunk, usage chunk with no choices", async () => {
  const text = await readEvents(
    await httpJson(await against([{ status: 200, events: STREAM_EVENTS }]), true),
  );
  const events = text.trim().split('\n\n');
  expect(events.slice(0, 2)).toEqual([
    'event: delta\ndata: {"content":"A red "}',
    'event: delta\ndata: {"content":"square."}',
  ]);
  expect(events).toHaveLength(3);
  const done = JSON.parse(events[2]?.replace(/^event: done\ndata: /, '') ?? '') as Record<string, unknown>;
  expect(done).toMatchObject({
    completion: 'A red square.',
    finishReason: 'stop',
    model: 'gpt-4o-2024-11-20',
    usage: USAGE_WITH_DETAILS,
  });
  expect(done.usage).toEqual(USAGE_WITH_DETAILS);
  expect(done.filteredCategories).toBeUndefined();
});

it('relays a streamed refusal as refusal deltas and records it in the done event', async () => {
  const text = await readEvents(
    await httpJson(await against([{ status: 200, events: STREAMED_REFUSAL }]), true),
  );
  const events = text.trim().split('\n\n');
  expect(events.slice(0, 2)).toEqual([
    'event: delta\ndata: {"refusal":"I\'m sorry, "}',
    'event: delta\ndata: {"refusal":"I can\'t assist with that request."}',
  ]);
  const done = JSON.parse(events[2]?.replace(/^event: done\ndata: /, '') ?? '') as Record<string, unknown>;
  expect(done).toMatchObject({ completion: null, refusal: REFUSAL });
});

it('relays a 429 x-ratelimit-reset wait (no Retry-After) as the HTTP Retry-After', async () => {
  const limited: RawAnswer = {
    status: 429,
    headers: { 'x-ratelimit-reset-requests': '1m30s', 'x-ratelimit-reset-tokens': '2s' },
    body: {
      error: {
        code: '429',
        message: 'Requests to the ChatCompletions_Create Operation have exceeded the rate limit.',
      },
    },
  };
  const answer = await httpJson(await against([limited]));
  expect(answer.status).toBe(429);
  expect(answer.headers['retry-after']).toBe('90');
  expect(server?.requests).toHaveLength(1);
});

it.each([
  [
    'an HTML page',
    502,
    '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
  ],
  ['an empty body', 503, ''],
])(
  'answers a 5xx with %s with a generic message naming the status and apim-request-id',
  async (_what, status, body) => {
    const answer = await httpJson(
      await against([{ status, headers: { 'apim-request-id': 'apim-42' }, body }], {
        MEDIA_RETRY_MAX_ATTEMPTS: '2',
      }),
    );
    expect(answer.status).toBe(502);
    if (!('json' in answer)) throw new Error('expected JSON');
    const message = (answer.json as { error: { message: string } }).error.message;
    expect(message).toContain(`HTTP ${status} (apim-request-id apim-42)`);
    expect(message).not.toMatch(/<|nginx/);
  },
);

it('with MEDIA_MAX_TOKENS_PARAMETER=max_completion_tokens sends that name', async () => {
  const deps = await against([refusalAnswer(null)], { MEDIA_MAX_TOKENS_PARAMETER: 'max_completion_tokens' });
  await httpJson({ ...deps, tokenLimit: new TokenLimitParameter('max_completion_tokens') });
  expect(server?.requests[0]).toHaveProperty('max_completion_tokens');
  expect(server?.requests[0]).not.toHaveProperty('max_tokens');
});
