import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidResponse } from '../support/openapi';
import { serveHttpFunction, type ServedFunction } from '../support/serveHttpFunction';

let harness: FunctionsHarness;
let served: ServedFunction;

beforeAll(async () => {
  harness = await functionsHarness();
  const { completions } = await import('../../src/functions/completions');
  served = await serveHttpFunction('completions', completions, () => harness.context('completions', {}));
});

afterAll(async () => {
  await served.close();
  await harness.close();
});

describe('POST /api/completions over a real HTTP socket', () => {
  it('answers a multipart upload sent by fetch, then streams a completion as server-sent events', async () => {
    const png = await encodeImage('png', 32, 24);
    const form = new FormData();
    form.append('prompt', 'What is this?');
    form.append('file', new Blob([png], { type: 'image/png' }), 'chart.png');
    const response = await fetch(served.url, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expectValidResponse(200, body);
    expect(body.media).toEqual([expect.objectContaining({ mimeType: 'image/png', width: 32, height: 24 })]);

    const streamed = await fetch(`${served.url}?stream=true&prompt=${encodeURIComponent('Describe it.')}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await streamed.text();
    expect(text).toMatch(/^event: delta\ndata: /);
    expect(text).toMatch(/event: done\ndata: \{.*"usage":\{"prompt_tokens":\d+/);

    const refused = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":',
    });
    expect(refused.status).toBe(400);
    const error: unknown = await refused.json();
    expectValidResponse(400, error);
    expect(error).toEqual({
      error: { code: 'invalid_json', message: 'The request body is not valid JSON.' },
    });
  });
});
