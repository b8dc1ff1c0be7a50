import { ModelCallError } from '../../../src/core/ModelCallError';
import { MediaCompletionsError } from '../../../src/core/errors';
import type { ChatRequest, ModelGateway, ModelResponse } from '../../../src/core/ports/ModelGateway';
import { callModelWithRetry } from '../../../src/core/retry/callModelWithRetry';
import type { RetrySettings } from '../../../src/core/PipelineSettings';
import { memoryLogger, virtualClock } from '../../support/pipeline';

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
};
const OK: ModelResponse = { status: 200, headers: {}, body: { choices: [] } };

type Step = ModelResponse | MediaCompletionsError;

/** A port-level script: each attempt takes the next step (the SDK itself is exercised against the emulator). */
function scripted(steps: Step[]): ModelGateway & { timeouts: number[] } {
  const timeouts: number[] = [];
  return {
    timeouts,
    complete: (_request, options) => {
      timeouts.push(options.timeoutMs);
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

async function run(steps: Step[], settings: RetrySettings = SETTINGS, random = 0.5) {
  const clock = virtualClock();
  const logger = memoryLogger();
  const model = scripted(steps);
  const outcome = await callModelWithRetry(
    { model, clock, logger, random: () => random },
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
    [401, { statusCode: 401, message: 'Unauthorized. Access token is missing' }, 'unauthorized'],
    [404, {}, 'not_found'],
    [400, { error: { message: 'bad' } }, 'invalid_request'],
    [501, {}, 'http_501'],
  ])('treats HTTP %d as permanent', async (code, body, expected) => {
    const { outcome, model } = await run([status(code, {}, body), OK]);
    expect(model.timeouts).toHaveLength(1);
    expect((outcome as { error: ModelCallError }).error).toMatchObject({ code: expected, retryable: false });
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
});
