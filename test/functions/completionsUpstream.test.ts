import { HttpRequest, HttpResponse } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import type { EmulatorOptions } from '../../src/emulator/EmulatorOptions';
import { encodeImage, wav } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidResponse } from '../support/openapi';

/** Settings every case starts from: three attempts, short waits, a short attempt timeout for `hang`. */
const BASE_ENV = {
  MEDIA_RETRY_MAX_ATTEMPTS: '3',
  MEDIA_ATTEMPT_TIMEOUT_MS: '400',
  MEDIA_HTTP_ALLOW_URLS: 'false',
};

let png: Buffer;
let harness: FunctionsHarness | undefined;

beforeAll(async () => {
  png = await encodeImage('png', 16, 16);
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * A fresh emulator (with its own fault sequence) and a fresh load of the function module, which reads its
 * settings once per process, as on the host.
 */
async function handlerFor(
  emulator: EmulatorOptions,
  env: Record<string, string> = {},
): Promise<typeof Completions> {
  const started = await functionsHarness(emulator, { ...BASE_ENV, ...env });
  harness = started;
  let handler: typeof Completions | undefined;
  await jest.isolateModulesAsync(async () => {
    ({ completions: handler } = await import('../../src/functions/completions'));
    // The clients load their SDK modules lazily: create them while this registry is the active one, or the
    // error classes they throw would not be the ones the fresh core checks with instanceof.
    const { pipelineDeps } = await import('../../src/functions/shared/runtime');
    await pipelineDeps(started.context('warm-up', {}));
  });
  if (handler === undefined) throw new Error('completions did not load');
  return handler;
}

async function post(
  handler: typeof Completions,
  bytes: Buffer,
  query: Record<string, string> = {},
): Promise<HttpResponse> {
  const all = { prompt: 'Describe this.', ...query };
  const request = new HttpRequest({
    method: 'POST',
    url: `http://localhost:7071/api/completions?${new URLSearchParams(all).toString()}`,
    headers: { 'content-type': 'application/octet-stream' },
    query: all,
    body: { bytes },
  });
  if (harness === undefined) throw new Error('no harness');
  return new HttpResponse(await handler(request, harness.context('completions', {})));
}

async function errorOf(
  response: HttpResponse,
): Promise<{ code: string; message: string; modelCode?: string; modelStatus?: number }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expectValidResponse(response.status, body);
  return body.error;
}

describe('POST /api/completions: upstream failures', () => {
  it('answers 429 with Retry-After when the model still throttles after the retry budget', async () => {
    const handler = await handlerFor({ faults: ['429', '429', '429'] });
    const response = await post(handler, png);
    expect(response.status).toBe(429);
    // The service asked for 20 ms (retry-after-ms); HTTP's Retry-After counts whole seconds.
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await errorOf(response)).toMatchObject({ code: 'rate_limited' });
    expect(harness?.emulator.stats().byStatus['429']).toBe(3);
  }, 15_000);

  it('answers after retrying a throttled model within the budget', async () => {
    const handler = await handlerFor({ faults: ['429', '503'] });
    const response = await post(handler, png);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ attempts: 3 });
  });

  it("answers 422 with the model's code when its content filter rejects the input", async () => {
    const handler = await handlerFor({ faults: ['content-filter'] });
    const response = await post(handler, png);
    expect(response.status).toBe(422);
    expect(await errorOf(response)).toMatchObject({ code: 'content_filter' });
    expect(harness?.emulator.stats().chatCompletions).toBe(1);
  });

  it('answers 502 model_configuration when our routing sends audio to a model that does not take it', async () => {
    const handler = await handlerFor({ model: 'gpt-4o' });
    const response = await post(handler, wav({ seconds: 0.2 }));
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'model_configuration', modelCode: 'media_not_supported_by_model' });
    expect(error.message).toContain('does not accept audio');
  });

  it('answers 502 when the model keeps failing', async () => {
    const handler = await handlerFor({ faults: ['500', '500', 'reset'] });
    const response = await post(handler, png);
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: 'network_error' });
    expect(harness?.emulator.stats().chatCompletions).toBe(3);
  });

  it('answers 502 when the model refuses our credentials', async () => {
    const handler = await handlerFor({}, { AZURE_INFERENCE_CREDENTIAL: 'wrong-key' });
    const response = await post(handler, png);
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'model_configuration', modelCode: 'unauthorized', modelStatus: 401 });
    expect(error.message).toContain('AZURE_INFERENCE_CREDENTIAL');
    expect(JSON.stringify(error)).not.toContain('wrong-key');
  });

  it('answers 504 when every attempt times out', async () => {
    const handler = await handlerFor({ faults: ['hang', 'hang', 'hang'] });
    const response = await post(handler, png);
    expect(response.status).toBe(504);
    expect(await errorOf(response)).toMatchObject({ code: 'timeout' });
  }, 15_000);

  it('keeps model attempts within MEDIA_HTTP_TIME_BUDGET_MS', async () => {
    const handler = await handlerFor(
      { faults: ['hang', 'hang', 'hang'] },
      { MEDIA_ATTEMPT_TIMEOUT_MS: '5000', MEDIA_HTTP_TIME_BUDGET_MS: '1000' },
    );
    const started = Date.now();
    const response = await post(handler, png);
    expect(response.status).toBe(504);
    // One attempt cut at the budget's end, not three attempts of five seconds.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(harness?.emulator.stats().chatCompletions).toBe(1);
  }, 15_000);

  it('retries a stream before its first event, then relays it', async () => {
    const handler = await handlerFor({ faults: ['503'] });
    const response = await post(handler, png, { stream: 'true' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('event: delta');
    expect(text).toMatch(/event: done\ndata: \{.*"attempts":2/);
  });

  it('answers a stream that cannot start with a JSON 429', async () => {
    const handler = await handlerFor({ faults: ['429-bare', '429-bare', '429-bare'] });
    const response = await post(handler, png, { stream: 'true' });
    expect(response.status).toBe(429);
    // No retry header from the service: a default wait is advertised.
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await errorOf(response)).toMatchObject({ code: 'rate_limited' });
  });

  it('refuses image URLs unless MEDIA_HTTP_ALLOW_URLS is set', async () => {
    const handler = await handlerFor({});
    if (harness === undefined) throw new Error('no harness');
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://localhost:7071/api/completions',
      headers: { 'content-type': 'application/json' },
      body: { string: JSON.stringify({ prompt: 'x', media: [{ url: 'https://example.com/a.png' }] }) },
    });
    const response = new HttpResponse(await handler(request, harness.context('completions', {})));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'url_not_allowed' });
    expect(harness.emulator.stats().chatCompletions).toBe(0);
  });
});
