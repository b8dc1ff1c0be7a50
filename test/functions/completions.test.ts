import { HttpRequest, HttpResponse } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import { encodeImage, mp3Frames, wav } from '../core/media/fixtures';
import { expectValidResultDocument } from '../support/documentSchemas';
import { FUNCTIONS_TEST_KEY, functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import {
  expectValidJsonRequest,
  expectValidMultipartRequest,
  expectValidResponse,
  expectValidStreamDelta,
} from '../support/openapi';

const MAX_BYTES = 200_000;
let harness: FunctionsHarness;
let completions: typeof Completions;
let png: Buffer;
let jpeg: Buffer;

beforeAll(async () => {
  harness = await functionsHarness(
    {},
    {
      MEDIA_MAX_BYTES: String(MAX_BYTES),
      MEDIA_MAX_IMAGES_PER_REQUEST: '2',
      MEDIA_MAX_TOKENS_CAP: '2000',
      MEDIA_HTTP_ALLOW_URLS: 'true',
      MEDIA_HTTP_MAX_PARTS: '6',
    },
  );
  ({ completions } = await import('../../src/functions/completions'));
  [png, jpeg] = await Promise.all([encodeImage('png', 40, 30), encodeImage('jpeg', 64, 48)]);
});

afterAll(async () => {
  await harness.close();
});

interface Sent {
  body?: { bytes?: Uint8Array; string?: string };
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** A request as the host builds it; the query is both in the URL and in `query`, as the host gives it. */
function request({ body, headers = {}, query = {} }: Sent): HttpRequest {
  const search = new URLSearchParams(query).toString();
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost:7071/api/completions${search === '' ? '' : `?${search}`}`,
    headers,
    query,
    ...(body === undefined ? {} : { body }),
  });
}

async function invoke(sent: Sent): Promise<HttpResponse> {
  return new HttpResponse(await completions(request(sent), harness.context('completions', {})));
}

/** Invokes the handler and checks the JSON answer against the OpenAPI document. */
async function call(
  sent: Sent,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await invoke(sent);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expectValidResponse(response.status, body);
  return { status: response.status, headers: response.headers, body };
}

function jsonBody(value: Record<string, unknown>, validate = true): Sent {
  if (validate) expectValidJsonRequest(value);
  return { body: { string: JSON.stringify(value) }, headers: { 'content-type': 'application/json' } };
}

type Field = string | { bytes: Buffer; type: string; name: string };

/** A multipart body encoded by the platform's FormData, as browsers and curl -F send it. */
async function multipart(fields: [string, Field][], query: Record<string, string> = {}): Promise<Sent> {
  const form = new FormData();
  const described: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (typeof value === 'string') {
      form.append(name, value);
      described[name] = value;
    } else {
      form.append(name, new Blob([value.bytes], { type: value.type }), value.name);
      described[name] = [...((described[name] as string[] | undefined) ?? []), value.name];
    }
  }
  if (
    fields.every(([name]) => ['file', 'prompt', 'system', 'detail', 'max_tokens', 'model'].includes(name))
  ) {
    expectValidMultipartRequest(described);
  }
  const encoded = new Request('http://localhost', { method: 'POST', body: form });
  const bytes = Buffer.from(await encoded.arrayBuffer());
  return {
    body: { bytes },
    headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
    query,
  };
}

const lastReceived = () => harness.emulator.stats().received.at(-1);

describe('POST /api/completions: content types', () => {
  it('answers a multipart upload with options, describing the media from its bytes', async () => {
    const sent = await multipart([
      ['prompt', 'What is in this picture?'],
      ['file', { bytes: png, type: 'image/png', name: 'chart.png' }],
      ['detail', 'low'],
      ['max_tokens', '300'],
      ['system', 'Be brief.'],
      ['model', 'gpt-4o'],
    ]);
    const { status, body } = await call(sent);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      model: harness.emulator.profile.model,
      finishReason: 'stop',
      attempts: 1,
      media: [
        { kind: 'image', source: 'file', mimeType: 'image/png', size: png.length, width: 40, height: 30 },
      ],
    });
    expect(body.completion).toContain('What is in this picture?');
    expect(body.usage).toMatchObject({ prompt_tokens: expect.any(Number) as number });
    expect(typeof body.requestId).toBe('string');
    expect(lastReceived()?.media).toEqual([
      expect.objectContaining({
        kind: 'image',
        source: 'data',
        mimeType: 'image/png',
        width: 40,
        height: 30,
      }),
    ]);
  });

  it('sends several file parts as several images, in order', async () => {
    const sent = await multipart([
      ['prompt', 'Compare these.'],
      ['file', { bytes: jpeg, type: 'image/jpeg', name: 'a.jpg' }],
      ['file', { bytes: png, type: 'image/png', name: 'b.png' }],
    ]);
    const { status, body } = await call(sent);
    expect(status).toBe(200);
    expect((body.media as { mimeType: string }[]).map((item) => item.mimeType)).toEqual([
      'image/jpeg',
      'image/png',
    ]);
    expect(lastReceived()?.media.map((item) => item.mimeType)).toEqual(['image/jpeg', 'image/png']);
  });

  it('answers a JSON body with base64 audio', async () => {
    const clip = wav({ seconds: 0.5 });
    const { status, body } = await call(
      jsonBody({
        prompt: 'Transcribe this.',
        media: [{ data: clip.toString('base64'), mimeType: 'audio/wav' }],
      }),
    );
    expect(status).toBe(200);
    expect(body.media).toEqual([
      { kind: 'audio', source: 'data', mimeType: 'audio/wav', size: clip.length, durationSeconds: 0.5 },
    ]);
    expect(lastReceived()?.media).toEqual([
      expect.objectContaining({ kind: 'audio', mimeType: 'audio/wav' }),
    ]);
  });

  it('passes an https image URL to the model without fetching it', async () => {
    const { status, body } = await call(
      jsonBody({ prompt: 'Describe.', media: [{ url: 'https://images.example.com/cat.png?sig=secret' }] }),
    );
    expect(status).toBe(200);
    expect(body.media).toEqual([{ kind: 'image', source: 'url' }]);
    expect(lastReceived()?.media).toEqual([
      expect.objectContaining({ kind: 'image', source: 'url', urlHost: 'images.example.com' }),
    ]);
  });

  it('reads a blob reference from an allowed container, and only from one', async () => {
    await harness.blobs.upload(harness.input, 'photos/p.jpg', jpeg);
    const ok = await call(
      jsonBody({ prompt: 'Describe.', media: [{ blob: `${harness.input}/photos/p.jpg` }] }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.media).toEqual([
      expect.objectContaining({ source: 'blob', mimeType: 'image/jpeg', width: 64 }),
    ]);

    const calls = harness.emulator.stats().chatCompletions;
    const other = await call(
      jsonBody({ prompt: 'Describe.', media: [{ blob: `${harness.output}/x.json` }] }),
    );
    expect(other).toMatchObject({ status: 400, body: { error: { code: 'blob_not_allowed' } } });
    const missing = await call(
      jsonBody({ prompt: 'Describe.', media: [{ blob: `${harness.input}/nope.png` }] }),
    );
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'blob_not_found' } } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });

  it('answers a raw image body with the prompt in the query', async () => {
    const { status, body } = await call({
      body: { bytes: jpeg },
      headers: { 'content-type': 'image/jpeg' },
      query: { prompt: 'What colour is it?', detail: 'high' },
    });
    expect(status).toBe(200);
    expect(body.media).toEqual([
      expect.objectContaining({ source: 'raw', mimeType: 'image/jpeg', height: 48 }),
    ]);
    expect(body.completion).toContain('What colour is it?');
  });

  it('answers a raw MP3 sent as application/octet-stream', async () => {
    const mp3 = mp3Frames(40);
    const { status, body } = await call({
      body: { bytes: mp3 },
      headers: { 'content-type': 'application/octet-stream' },
      query: { prompt: 'Transcribe.' },
    });
    expect(status).toBe(200);
    expect(body.media).toEqual([expect.objectContaining({ kind: 'audio', mimeType: 'audio/mpeg' })]);
  });
});

describe('POST /api/completions: the type comes from the bytes', () => {
  it('sends JPEG bytes labelled image/png as image/jpeg, in every content type', async () => {
    const raw = await call({
      body: { bytes: jpeg },
      headers: { 'content-type': 'image/png' },
      query: { prompt: 'Describe.' },
    });
    expect(raw.status).toBe(200);
    expect(lastReceived()?.media).toEqual([expect.objectContaining({ mimeType: 'image/jpeg' })]);

    const form = await call(
      await multipart([
        ['prompt', 'Describe.'],
        ['file', { bytes: jpeg, type: 'image/png', name: 'photo.png' }],
      ]),
    );
    expect(form.body.media).toEqual([expect.objectContaining({ mimeType: 'image/jpeg' })]);
    expect(lastReceived()?.media).toEqual([expect.objectContaining({ mimeType: 'image/jpeg' })]);

    const json = await call(
      jsonBody({ prompt: 'Describe.', media: [{ data: jpeg.toString('base64'), mimeType: 'image/png' }] }),
    );
    expect(json.body.media).toEqual([expect.objectContaining({ mimeType: 'image/jpeg' })]);
    expect(lastReceived()?.media).toEqual([expect.objectContaining({ mimeType: 'image/jpeg' })]);
  });
});

describe('POST /api/completions?save=true', () => {
  it('writes the pipeline result document under http/<date>/<id>.json and names it', async () => {
    const { status, body } = await call({
      body: { bytes: png },
      headers: { 'content-type': 'image/png' },
      query: { prompt: 'Describe.', save: 'true' },
    });
    expect(status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(body.saved).toEqual({ container: harness.output, name: `http/${today}/${String(body.id)}.json` });
    const saved = await harness.blobs.readJson(harness.output, `http/${today}/${String(body.id)}.json`);
    expectValidResultDocument(saved?.value);
    expect(saved.value).toMatchObject({
      status: 'succeeded',
      completion: body.completion,
      usage: body.usage,
      media: { kind: 'image', width: 40, height: 30 },
      source: { container: 'http', size: png.length, contentType: 'image/png' },
      request: { prompt: 'Describe.' },
    });
  });

  it('refuses to save a request with several media before calling the model', async () => {
    const calls = harness.emulator.stats().chatCompletions;
    const sent = await multipart(
      [
        ['prompt', 'Compare.'],
        ['file', { bytes: png, type: 'image/png', name: 'a.png' }],
        ['file', { bytes: png, type: 'image/png', name: 'b.png' }],
      ],
      { save: 'true' },
    );
    expect(await call(sent)).toMatchObject({ status: 400, body: { error: { code: 'save_unsupported' } } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });
});

/** Server-sent events as `{ event, data }`, parsed the way an EventSource does for our single-line data. */
function parseEvents(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? 'null';
      return { event, data: JSON.parse(data) as unknown };
    });
}

describe('POST /api/completions?stream=true', () => {
  it('relays the model deltas as server-sent events, then a done event with usage', async () => {
    const sent = await multipart(
      [
        ['prompt', 'Tell me about this chart in detail please.'],
        ['file', { bytes: png, type: 'image/png', name: 'chart.png' }],
      ],
      { stream: 'true', save: 'true' },
    );
    const response = await invoke(sent);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseEvents(await response.text());
    const deltas = events.filter((event) => event.event === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    deltas.forEach((event) => {
      expectValidStreamDelta(event.data);
    });
    const last = events.at(-1);
    expect(last?.event).toBe('done');
    expectValidResponse(200, last?.data);
    const done = last?.data as Record<string, unknown>;
    const streamed = deltas.map((event) => (event.data as { content: string }).content).join('');
    expect(done).toMatchObject({ completion: streamed, finishReason: 'stop', attempts: 1 });
    expect(streamed).toContain('Tell me about this chart');
    expect(done.usage).toMatchObject({ total_tokens: expect.any(Number) as number });
    expect(lastReceived()).toMatchObject({ stream: true, usage: done.usage });
    const saved = await harness.blobs.readJson(harness.output, (done.saved as { name: string }).name);
    expectValidResultDocument(saved?.value);
    expect(saved.value).toMatchObject({ completion: streamed, usage: done.usage });
  });

  it('answers a failure before the first event with a JSON error, not a stream', async () => {
    const response = await invoke({
      body: { bytes: Buffer.from('plain text, not media') },
      headers: { 'content-type': 'application/octet-stream' },
      query: { prompt: 'Describe.', stream: 'true' },
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });
});

describe('POST /api/completions: client errors', () => {
  const cases: [string, () => Promise<Sent> | Sent, number, string][] = [
    [
      'malformed JSON',
      () => ({ body: { string: '{"prompt": "x", ' }, headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_json',
    ],
    [
      'JSON nested too deep',
      () => ({
        body: { string: `${'['.repeat(100_000)}${']'.repeat(100_000)}` },
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_json',
    ],
    [
      'an unknown JSON field',
      () => jsonBody({ prompt: 'x', media: [{ data: '' }], temperature: 2 }, false),
      400,
      'invalid_request',
    ],
    [
      'a missing prompt',
      () => jsonBody({ media: [{ data: png.toString('base64') }] }, false),
      400,
      'missing_prompt',
    ],
    [
      'a missing prompt in the query',
      () => ({ body: { bytes: png }, headers: { 'content-type': 'image/png' } }),
      400,
      'missing_prompt',
    ],
    ['no media', () => jsonBody({ prompt: 'x', media: [] }, false), 400, 'no_media'],
    [
      'bad base64',
      () => jsonBody({ prompt: 'x', media: [{ data: 'not*base64!' }] }, false),
      400,
      'invalid_base64',
    ],
    ['an empty file', () => jsonBody({ prompt: 'x', media: [{ data: '' }] }), 400, 'empty_blob'],
    [
      'max_tokens over the cap',
      () => jsonBody({ prompt: 'x', max_tokens: 5000, media: [{ data: png.toString('base64') }] }),
      400,
      'invalid_override',
    ],
    [
      'a model outside the allowlist',
      () => jsonBody({ prompt: 'x', model: 'gpt-5', media: [{ data: png.toString('base64') }] }),
      400,
      'model_not_allowed',
    ],
    [
      'a bad detail',
      () => ({
        body: { bytes: png },
        headers: { 'content-type': 'image/png' },
        query: { prompt: 'x', detail: 'ultra' },
      }),
      400,
      'invalid_override',
    ],
    [
      'a bad save flag',
      () => ({
        body: { bytes: png },
        headers: { 'content-type': 'image/png' },
        query: { prompt: 'x', save: 'yes' },
      }),
      400,
      'invalid_option',
    ],
    [
      'an http (not https) URL',
      () => jsonBody({ prompt: 'x', media: [{ url: 'http://example.com/a.png' }] }, false),
      400,
      'invalid_url',
    ],
    [
      'an unknown form field',
      () =>
        multipart([
          ['prompt', 'x'],
          ['file', { bytes: png, type: 'image/png', name: 'a.png' }],
          ['temperature', '2'],
        ]),
      400,
      'invalid_form',
    ],
    [
      'a form without a boundary',
      () => ({ body: { string: 'x' }, headers: { 'content-type': 'multipart/form-data' } }),
      400,
      'invalid_form',
    ],
    [
      'a broken form',
      () => ({
        body: { string: '--b\r\ngarbage' },
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      }),
      400,
      'invalid_form',
    ],
    [
      'too many form parts',
      () =>
        multipart([
          ['prompt', 'x'],
          ...Array.from({ length: 6 }, (): [string, Field] => [
            'file',
            { bytes: png, type: 'image/png', name: 'a.png' },
          ]),
        ]),
      400,
      'too_many_parts',
    ],
    [
      'a Content-Length over the limit',
      () => ({
        body: { bytes: png },
        headers: { 'content-type': 'image/png', 'content-length': String(MAX_BYTES + 1) },
        query: { prompt: 'x' },
      }),
      413,
      'too_large',
    ],
    [
      'a body over the limit without Content-Length',
      () => ({
        body: { bytes: Buffer.alloc(MAX_BYTES + 1) },
        headers: { 'content-type': 'application/octet-stream' },
        query: { prompt: 'x' },
      }),
      413,
      'too_large',
    ],
    [
      'base64 over the limit',
      () => jsonBody({ prompt: 'x', media: [{ data: Buffer.alloc(MAX_BYTES + 3).toString('base64') }] }),
      413,
      'too_large',
    ],
    [
      'a file part over the limit',
      () =>
        multipart([
          ['prompt', 'x'],
          ['file', { bytes: Buffer.alloc(MAX_BYTES + 1), type: 'image/png', name: 'big.png' }],
        ]),
      413,
      'too_large',
    ],
    [
      'bytes that are no supported media',
      () => ({
        body: { string: '%PDF-1.7 not an image' },
        headers: { 'content-type': 'image/png' },
        query: { prompt: 'x' },
      }),
      415,
      'unsupported_media_type',
    ],
    [
      'a text body',
      () => ({
        body: { string: 'hello' },
        headers: { 'content-type': 'text/plain' },
        query: { prompt: 'x' },
      }),
      415,
      'unsupported_content_type',
    ],
    [
      'more images than MEDIA_MAX_IMAGES_PER_REQUEST',
      () =>
        multipart([
          ['prompt', 'x'],
          ...Array.from({ length: 3 }, (): [string, Field] => [
            'file',
            { bytes: png, type: 'image/png', name: 'a.png' },
          ]),
        ]),
      422,
      'too_many_images',
    ],
    [
      'image URLs counted as images',
      () =>
        jsonBody({
          prompt: 'x',
          media: [
            { data: png.toString('base64') },
            { url: 'https://a.example/1.png' },
            { url: 'https://a.example/2.png' },
          ],
        }),
      422,
      'too_many_images',
    ],
  ];

  it.each(cases)('refuses %s', async (_name, make, status, code) => {
    const calls = harness.emulator.stats().chatCompletions;
    const answer = await call(await make());
    expect(answer).toMatchObject({ status, body: { error: { code } } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });

  it('never echoes the payload or the key, in answers or logs', async () => {
    const secretish = png.toString('base64');
    const answer = await call(jsonBody({ prompt: 'x', media: [{ data: `${secretish}*` }] }, false));
    expect(answer.status).toBe(400);
    const logged = harness.logs.join('\n');
    for (const text of [JSON.stringify(answer.body), logged]) {
      expect(text).not.toContain(secretish.slice(0, 40));
      expect(text).not.toContain(FUNCTIONS_TEST_KEY);
    }
  });
});
