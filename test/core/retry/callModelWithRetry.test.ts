import { ModelCallError } from '../../../src/core/errors/ModelCallError';
import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import type { ChatRequest, ModelGateway, ModelResponse } from '../../../src/core/ports/ModelGateway';
import { callModelWithRetry, type CallModelDeps } from '../../../src/core/retry/callModelWithRetry';
import { ModelCircuitBreaker } from '../../../src/core/retry/ModelCircuitBreaker';
import { TokenLimitParameter } from '../../../src/core/retry/TokenLimitParameter';
import { maxTokensUnsupported } from '../../../src/emulator/serviceErrors';
import type { RetrySettings } from '../../../src/core/completion/PipelineSettings';
import { memoryLogger, virtualClock, type VirtualClock } from '../../support/pipeline';

const REQUEST: ChatRequest = {
  messages: [{ role: 'user', content: 'hi' }],
  model: undefined,
  maxTokens: 10,
  apiVersion: '2024-05-01-preview',
};
const SETTINGS: RetrySettings = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 60_000,
  totalBudgetMs: 240_000,
  configurationBackoffMs: 30_000,
};
const OK: ModelResponse = { status: 200, headers: {}, body: { choices: [] } };

type Step = ModelResponse | MediaCompletionsError;

/** A port-level script: each attempt takes the next step (the SDK itself is exercised against the emulator). */
type Scripted = ModelGateway & { timeouts: number[]; names: (string | undefined)[] };

function scripted(steps: Step[]): Scripted {
  const timeouts: number[] = [];
  const names: (string | undefined)[] = [];
  return {
    timeouts,
    names,
    complete: (_request, options) => {
      timeouts.push(options.timeoutMs);
      names.push(options.maxTokensName);
      const step = steps.shift();
      if (step === undefined) throw new Error('script exhausted');
      return step instanceof MediaCompletionsError ? Promise.reject(step) : Promise.resolve(step);
    },
  };
}

const status = (code: number, headers: Record<string, string> = {}, body: unknown = {}): ModelResponse => ({
  status: code,
  headers,
  body,
});

async function run(
  steps: Step[],
  settings: RetrySettings = SETTINGS,
  random = 0.5,
  extra: Pick<CallModelDeps, 'breaker' | 'tokenLimit'> & { clock?: VirtualClock; model?: Scripted } = {},
) {
  const clock = extra.clock ?? virtualClock();
  const logger = memoryLogger();
  const model = extra.model ?? scripted(steps);
  const outcome = await callModelWithRetry(
    { model, clock, logger, random: () => random, ...extra },
    REQUEST,
    settings,
  ).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { outcome, clock, logger, model };
}

describe('callModelWithRetry', () => {
  it('retries a bare 429, a 503 with retry-after-ms, a reset and a 408, then succeeds', async () => {
    const reset = new MediaCompletionsError('network_error', 'reset', { retryable: true });
    const { outcome, clock } = await run([
      status(429),
      status(503, { 'retry-after-ms': '1500' }),
      reset,
      status(408),
      OK,
    ]);
    expect(outcome).toMatchObject({ value: { attempts: 5, response: OK } });
    // Bare 429: backoff 1000 → 750 with random 0.5; 503: the header; then 4000 → 3000, 8000 → 6000.
    expect(clock.slept).toEqual([750, 1500, 3000, 6000]);
  });

  it('prefers retry-after-ms over Retry-After, and reads Retry-After seconds and dates', async () => {
    const date = new Date(Date.now() + 10_000).toUTCString();
    const { clock } = await run([
      status(429, { 'retry-after-ms': '250', 'retry-after': '9' }),
      status(429, { 'retry-after': '2' }),
      status(429, { 'retry-after': date }),
      OK,
    ]);
    expect(clock.slept[0]).toBe(250);
    expect(clock.slept[1]).toBe(2000);
    expect(clock.slept[2]).toBeGreaterThan(5000);
    expect(clock.slept[2]).toBeLessThanOrEqual(10_000);
  });

  it('never retries a content filter rejection and keeps the service code', async () => {
    const body = { error: { code: 'content_filter', message: 'The response was filtered.', status: 400 } };
    const { outcome, model } = await run([status(400, {}, body), OK]);
    expect(model.timeouts).toHaveLength(1);
    const error = (outcome as { error: ModelCallError }).error;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ code: 'content_filter', retryable: false, attempts: 1, httpStatus: 400 });
  });

  it.each([
    [
      401,
      { statusCode: 401, message: 'Unauthorized. Access token is missing' },
      'unauthorized',
      'AZURE_INFERENCE_CREDENTIAL',
    ],
    [
      403,
      { error: { code: 'PermissionDenied', message: 'The principal lacks the required data action' } },
      'forbidden',
      'Cognitive Services User',
    ],
    [
      404,
      {
        error: {
          code: 'DeploymentNotFound',
          message: 'The API deployment for this resource does not exist.',
        },
      },
      'deployment_not_found',
      'AZURE_INFERENCE_MODEL',
    ],
    [404, { error: { code: '404', message: 'Resource not found' } }, 'not_found', 'AZURE_INFERENCE_ENDPOINT'],
    [
      400,
      { error: { code: 'BadRequest', message: 'API version not supported' } },
      'api_version_not_supported',
      'AZURE_INFERENCE_API_VERSION',
    ],
    [
      400,
      {
        error: {
          code: 'BadRequest',
          message: 'Model {modelName} is enabled only for api versions 2024-12-01-preview and later',
        },
      },
      'api_version_not_supported',
      'AZURE_INFERENCE_API_VERSION',
    ],
    [
      400,
      {
        error: {
          code: 'invalid_request_error',
          message: 'Model gpt-4o-2024-11-20 does not accept audio input.',
        },
      },
      'media_not_supported_by_model',
      'AZURE_INFERENCE_MODEL',
    ],
  ])(
    'treats HTTP %d %j as a configuration fault: one call, no retry, the setting named',
    async (code, body, expected, setting) => {
      const { outcome, model } = await run([status(code, {}, body), OK]);
      expect(model.timeouts).toHaveLength(1);
      const error = (outcome as { error: ModelCallError }).error;
      expect(error).toMatchObject({
        code: expected,
        errorClass: 'configuration',
        retryable: true,
        attempts: 1,
        httpStatus: code,
      });
      expect(error.message).toContain(setting);
    },
  );

  it.each([
    [400, { error: { message: 'bad' } }, 'invalid_request'],
    [400, { error: { code: 'context_length_exceeded', message: 'too long' } }, 'context_length_exceeded'],
    [501, {}, 'http_501'],
  ])("treats HTTP %d %j as the input's fault", async (code, body, expected) => {
    const { outcome, model } = await run([status(code, {}, body), OK]);
    expect(model.timeouts).toHaveLength(1);
    expect((outcome as { error: ModelCallError }).error).toMatchObject({
      code: expected,
      retryable: false,
      errorClass: 'input',
    });
  });

  it('gives up after maxAttempts with a retryable error that carries the attempts', async () => {
    const { outcome, model } = await run(
      Array.from({ length: 6 }, () => status(500)),
      SETTINGS,
    );
    expect(model.timeouts).toHaveLength(6);
    expect((outcome as { error: ModelCallError }).error).toMatchObject({
      code: 'model_unavailable',
      retryable: true,
      attempts: 6,
      httpStatus: 500,
    });
  });

  it('stops before a wait that would pass the time budget', async () => {
    const { outcome, clock } = await run(
      [status(429, { 'retry-after-ms': '5000' }), status(429, { 'retry-after-ms': '60000' }), OK],
      { ...SETTINGS, totalBudgetMs: 30_000 },
    );
    expect(clock.slept).toEqual([5000]);
    expect((outcome as { error: ModelCallError }).error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      attempts: 2,
    });
  });

  it('bounds each attempt by the remaining budget', async () => {
    const { model } = await run([status(503, { 'retry-after-ms': '8000' }), OK], {
      ...SETTINGS,
      attemptTimeoutMs: 60_000,
      totalBudgetMs: 10_000,
    });
    expect(model.timeouts[0]).toBeLessThanOrEqual(10_000);
    expect(model.timeouts[1]).toBeLessThanOrEqual(2_000);
  });

  it('keeps jittered backoff within [step/2, step] and under maxDelayMs', async () => {
    for (const random of [0, 0.999]) {
      const { clock } = await run(
        [status(500), status(500), status(500), OK],
        { ...SETTINGS, maxDelayMs: 3000 },
        random,
      );
      const [a, b, c] = clock.slept;
      expect(a).toBeGreaterThanOrEqual(500);
      expect(a).toBeLessThanOrEqual(1000);
      expect(b).toBeGreaterThanOrEqual(1000);
      expect(b).toBeLessThanOrEqual(2000);
      expect(c).toBeGreaterThanOrEqual(1500);
      expect(c).toBeLessThanOrEqual(3000);
    }
  });

  it('logs retries without bodies or headers', async () => {
    const secret = 'A'.repeat(300);
    const { logger } = await run([status(503, { 'api-key': 'k' }, { error: { message: secret } }), OK]);
    expect(logger.entries).toHaveLength(1);
    expect(JSON.stringify(logger.entries)).not.toContain('AAAA');
    expect(JSON.stringify(logger.entries)).not.toContain('api-key');
  });

  it('redacts payload-like runs from error messages', async () => {
    const body = {
      error: { code: 'BadRequest', message: `Invalid image data:image/png;base64,${'QUJD'.repeat(100)}` },
    };
    const { outcome } = await run([status(400, {}, body)]);
    const error = (outcome as { error: ModelCallError }).error;
    expect(error.code).toBe('BadRequest');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('QUJDQUJD');
  });

  it.each([
    [{ 'x-ratelimit-reset-requests': '2s' }, 2000],
    [{ 'x-ratelimit-reset-tokens': '1m30s' }, 90_000],
    [{ 'x-ratelimit-reset-requests': '250ms', 'x-ratelimit-reset-tokens': '1s' }, 1000],
  ])('waits at least x-ratelimit-reset-* %j on a 429 without Retry-After', async (headers, wait) => {
    const { outcome, clock } = await run([
      status(429, headers, { error: { code: '429', message: 'Rate limit' } }),
      OK,
    ]);
    expect(outcome).toMatchObject({ value: { attempts: 2 } });
    expect(clock.slept).toEqual([wait]);
  });

  it('relays the x-ratelimit-reset wait when it outlasts the budget', async () => {
    const { outcome } = await run([status(429, { 'x-ratelimit-reset-tokens': '5m' })], {
      ...SETTINGS,
      totalBudgetMs: 60_000,
    });
    expect((outcome as { error: ModelCallError }).error).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 300_000,
    });
  });

  it.each([
    [
      'an HTML page',
      '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    ],
    ['an empty body', ''],
  ])('never relays %s from a 5xx: the status and apim-request-id instead', async (_what, body) => {
    const { outcome } = await run(
      [status(502, { 'apim-request-id': 'req-123', 'content-type': 'text/html' }, body)],
      {
        ...SETTINGS,
        maxAttempts: 1,
      },
    );
    const error = (outcome as { error: ModelCallError }).error;
    expect(error.message).toMatch(/^The model service answered HTTP 502 \(apim-request-id req-123\)\./);
    expect(error.message).not.toContain('<');
  });

  it('opens the breaker on a configuration fault: later calls fail at once without a call, until the back-off ends', async () => {
    const clock = virtualClock();
    const breaker = new ModelCircuitBreaker(clock, 30_000);
    const model = scripted([status(401, {}, { statusCode: 401, message: 'Unauthorized' }), OK]);
    const first = await run([], SETTINGS, 0.5, { clock, model, breaker });
    expect((first.outcome as { error: ModelCallError }).error).toMatchObject({
      code: 'unauthorized',
      attempts: 1,
    });
    const second = await run([], SETTINGS, 0.5, { clock, model, breaker });
    expect((second.outcome as { error: ModelCallError }).error).toMatchObject({
      code: 'unauthorized',
      errorClass: 'configuration',
      attempts: 0,
    });
    expect(model.timeouts).toHaveLength(1);
    await clock.sleep(30_000);
    const third = await run([], SETTINGS, 0.5, { clock, model, breaker });
    expect(third.outcome).toMatchObject({ value: { attempts: 1 } });
    expect(model.timeouts).toHaveLength(2);
    expect(breaker.lastFault).toBeUndefined();
  });

  it('with auto, switches to max_completion_tokens on unsupported_parameter without counting it, and remembers', async () => {
    const tokenLimit = new TokenLimitParameter('auto');
    // The recorded shape, as the emulator's o-series profile serves it.
    const refused = status(400, {}, maxTokensUnsupported().body);
    const first = await run([refused, OK], SETTINGS, 0.5, { tokenLimit });
    expect(first.outcome).toMatchObject({ value: { attempts: 1 } });
    expect(first.model.names).toEqual(['max_tokens', 'max_completion_tokens']);
    expect(first.clock.slept).toEqual([]);
    const second = await run([OK], SETTINGS, 0.5, { tokenLimit });
    expect(second.model.names).toEqual(['max_completion_tokens']);
  });

  it('with a fixed name, reports unsupported_parameter as a configuration fault naming the setting', async () => {
    const refused = status(
      400,
      {},
      { error: { param: 'max_tokens', code: 'unsupported_parameter', message: 'Unsupported parameter' } },
    );
    const { outcome, model } = await run([refused, OK], SETTINGS, 0.5, {
      tokenLimit: new TokenLimitParameter('max_tokens'),
    });
    expect(model.timeouts).toHaveLength(1);
    const error = (outcome as { error: ModelCallError }).error;
    expect(error).toMatchObject({ code: 'unsupported_parameter', errorClass: 'configuration' });
    expect(error.message).toContain('MEDIA_MAX_TOKENS_PARAMETER');
  });
});
