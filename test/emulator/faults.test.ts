import { isUnexpected } from '@azure-rest/ai-inference';
import type { FaultKind } from '../../src/emulator/FaultKind';
import { FaultSchedule } from '../../src/emulator/FaultSchedule';
import { seededRandom } from '../../src/emulator/seededRandom';
import { startEmulator } from '../../src/emulator/startEmulator';
import { TokenBucket } from '../../src/emulator/TokenBucket';
import { keyClient, postRaw, userMessage } from './emulatorClient';

const hello = { messages: [userMessage({ type: 'text', text: 'hello there' })] };

describe('fault sequence', () => {
  it('serves 429-bare, 429, 500, 503, content-filter, then ok, in order, with Azure’s bodies and headers', async () => {
    const emulator = await startEmulator({
      faults: ['429-bare', '429', '500', '503', 'content-filter', 'ok'],
      faultRetryAfterMs: 1500,
    });
    try {
      const bare = await postRaw(emulator, hello);
      expect(bare.status).toBe(429);
      expect(bare.headers.get('retry-after')).toBeNull();
      expect(bare.headers.get('retry-after-ms')).toBeNull();
      expect(bare.json).toMatchObject({ error: { code: '429' } });

      const throttled = await postRaw(emulator, hello);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
      expect(throttled.headers.get('retry-after-ms')).toBe('1500');
      expect(throttled.json).toEqual({
        error: { code: '429', message: 'Rate limit is exceeded. Try again in 2 seconds.' },
      });

      const failed = await postRaw(emulator, hello);
      expect(failed.status).toBe(500);
      expect(failed.json).toMatchObject({ error: { code: 'InternalServerError', status: 500 } });

      const unavailable = await postRaw(emulator, hello);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after-ms')).toBe('1500');

      const filtered = await postRaw(emulator, hello);
      expect(filtered.status).toBe(400);
      expect(filtered.json).toMatchObject({
        error: { code: 'content_filter', param: 'prompt', status: 400 },
      });

      expect((await postRaw(emulator, hello)).status).toBe(200);
      expect((await postRaw(emulator, hello)).status).toBe(200);
      expect(emulator.stats().byStatus).toEqual({ '200': 2, '400': 1, '429': 2, '500': 1, '503': 1 });
    } finally {
      await emulator.close();
    }
  });

  it('serves a 403 PermissionDenied fault, as while a role assignment propagates', async () => {
    const emulator = await startEmulator({ faults: ['403'] });
    try {
      const denied = await postRaw(emulator, hello);
      expect(denied.status).toBe(403);
      expect(denied.json).toMatchObject({ error: { code: 'PermissionDenied' } });
      expect((await postRaw(emulator, hello)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it('reset drops the connection; the SDK sees a network error', async () => {
    const emulator = await startEmulator({ faults: ['reset'] });
    try {
      await expect(keyClient(emulator).path('/chat/completions').post({ body: hello })).rejects.toThrow();
      expect((await postRaw(emulator, hello)).status).toBe(200);
      expect(emulator.stats().byStatus.reset).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it('hang never answers, and close() releases the hung connection at once', async () => {
    const emulator = await startEmulator({ faults: ['hang'] });
    const pending = fetch(`${emulator.url}/chat/completions?api-version=1`, {
      method: 'POST',
      headers: { 'api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    const outcome = await Promise.race([
      pending.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('still waiting');
        }, 300);
      }),
    ]);
    expect(outcome).toBe('still waiting');
    expect(emulator.stats().byStatus.hang).toBe(1);
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });

  it('the SDK retries a 429 with retry headers and a 503, but not a bare 429', async () => {
    const emulator = await startEmulator({
      faults: ['429', '503', 'ok', '429-bare', 'ok'],
      faultRetryAfterMs: 20,
    });
    try {
      const client = keyClient(emulator, 'k', { retryOptions: { maxRetries: 3, retryDelayInMs: 10 } });
      const retried = await client.path('/chat/completions').post({ body: hello });
      expect(retried.status).toBe('200');
      const bare = await client.path('/chat/completions').post({ body: hello });
      expect(bare.status).toBe('429');
      expect(isUnexpected(bare)).toBe(true);
      expect(emulator.stats().chatCompletions).toBe(4);
    } finally {
      await emulator.close();
    }
  });
});

describe('random faults', () => {
  async function statusesWithSeed(seed: number): Promise<number[]> {
    const emulator = await startEmulator({
      faultRate: 0.5,
      faultKinds: ['429', '503'],
      seed,
      faultRetryAfterMs: 10,
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1) statuses.push((await postRaw(emulator, hello)).status);
      return statuses;
    } finally {
      await emulator.close();
    }
  }

  it('are repeatable through the seed and follow the rate', async () => {
    const first = await statusesWithSeed(7);
    expect(await statusesWithSeed(7)).toEqual(first);
    expect(await statusesWithSeed(8)).not.toEqual(first);
    const faults = first.filter((status) => status !== 200);
    expect(faults.length).toBeGreaterThanOrEqual(4);
    expect(faults.length).toBeLessThanOrEqual(16);
    expect(new Set(faults)).toEqual(new Set([429, 503]));
  });

  it('FaultSchedule validates its options and serves the sequence before random faults', () => {
    expect(() => new FaultSchedule({ rate: 2, random: Math.random })).toThrow(RangeError);
    expect(() => new FaultSchedule({ rate: 0.5, kinds: [], random: Math.random })).toThrow(RangeError);
    const always = new FaultSchedule({
      sequence: ['hang'],
      rate: 1,
      kinds: ['500'],
      random: seededRandom(1),
    });
    const served: FaultKind[] = [always.next(), always.next(), always.next()];
    expect(served).toEqual(['hang', '500', '500']);
  });
});

describe('rate limits', () => {
  it('rpm: over the limit the answer is 429 with Retry-After, retry-after-ms and Azure’s body', async () => {
    const emulator = await startEmulator({ rpm: 2 });
    try {
      const first = await postRaw(emulator, hello);
      expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
      expect((await postRaw(emulator, hello)).status).toBe(200);
      const third = await postRaw(emulator, hello);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(third.headers.get('retry-after-ms'))).toBeGreaterThan(20_000);
      expect((third.json as { error: { message: string } }).error.message).toMatch(
        /Try again in \d+ seconds/,
      );
    } finally {
      await emulator.close();
    }
  });

  it('tpm: charges prompt tokens plus max_tokens on arrival', async () => {
    const emulator = await startEmulator({ tpm: 100 });
    try {
      // 'hello there' is 3 prompt tokens; with max_tokens 40 each request is charged 43.
      const request = { ...hello, max_tokens: 40 };
      const first = await postRaw(emulator, request);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe('57');
      expect((await postRaw(emulator, request)).status).toBe(200);
      const third = await postRaw(emulator, request);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      // A request that does not fit is not charged, so a smaller one still passes.
      expect((await postRaw(emulator, hello)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it('TokenBucket refills continuously and computes the wait', () => {
    let now = 0;
    const bucket = new TokenBucket(60, () => now);
    expect(bucket.take(60)).toBe(0);
    expect(bucket.take(1)).toBe(1000);
    now += 500;
    expect(bucket.take(1)).toBe(500);
    now += 500;
    expect(bucket.take(1)).toBe(0);
    expect(bucket.take(61)).toBe(60_000);
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('latency', () => {
  it('delays answers by a fixed time or a seeded range', async () => {
    const fixed = await startEmulator({ latencyMs: 150 });
    const range = await startEmulator({ latencyMs: [10, 30] });
    try {
      let started = Date.now();
      expect((await postRaw(fixed, hello)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      started = Date.now();
      expect((await postRaw(range, hello)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(9);
      await expect(startEmulator({ latencyMs: [30, 10] })).rejects.toThrow(RangeError);
    } finally {
      await Promise.all([fixed.close(), range.close()]);
    }
  });
});
