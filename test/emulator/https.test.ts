import ModelClient from '@azure-rest/ai-inference';
import { startEmulator } from '../../src/emulator/startEmulator';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import { fakeTokenCredential, unsignedJwt, userMessage } from './emulatorClient';

const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';
const body = { messages: [userMessage({ type: 'text', text: 'hello over TLS' })] };

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ https: true, expectedAudience: COGNITIVE_SCOPE });
});

afterAll(async () => {
  await emulator.close();
});

describe('emulator over https with a token credential', () => {
  it('serves TLS with a certificate the client trusts through tlsOptions.ca', async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const scopes: string[] = [];
    const client = ModelClient(`${emulator.url}/models`, fakeTokenCredential(scopes), {
      credentials: { scopes: [COGNITIVE_SCOPE] },
      tlsOptions: { ca: emulator.certificate },
      retryOptions: { maxRetries: 0 },
    });
    const res = await client.path('/chat/completions').post({ body });
    expect(res.status).toBe('200');
    expect(scopes).toEqual([COGNITIVE_SCOPE]);
  });

  it('answers 401 when the token was issued for the SDK’s default ml.azure.com scope', async () => {
    const client = ModelClient(`${emulator.url}/models`, fakeTokenCredential(), {
      tlsOptions: { ca: emulator.certificate },
      retryOptions: { maxRetries: 0 },
    });
    const res = await client.path('/chat/completions').post({ body });
    expect(res.status).toBe('401');
    expect(res.body).toMatchObject({ statusCode: 401 });
  });

  it('without the certificate the client refuses the connection', async () => {
    const client = ModelClient(`${emulator.url}/models`, fakeTokenCredential(), {
      credentials: { scopes: [COGNITIVE_SCOPE] },
      retryOptions: { maxRetries: 0 },
    });
    await expect(client.path('/chat/completions').post({ body })).rejects.toThrow(/certificate/i);
  });

  it('rejects expired, opaque and wrong-audience tokens', async () => {
    const { request } = await import('node:https');
    const status = (token: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${emulator.url}/chat/completions?api-version=2024-05-01-preview`,
          {
            method: 'POST',
            ca: emulator.certificate,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const aud = 'https://cognitiveservices.azure.com';
    expect(await status(unsignedJwt({ aud }))).toBe(200);
    expect(await status(unsignedJwt({ aud: [aud, 'other'] }))).toBe(200);
    expect(await status(unsignedJwt({ aud, exp: Math.floor(Date.now() / 1000) - 60 }))).toBe(401);
    expect(await status(unsignedJwt({ aud: 'https://ml.azure.com' }))).toBe(401);
    expect(await status('opaque-token')).toBe(401);
  });
});

describe('credential rules without an audience', () => {
  it('accepts any credential but not none', async () => {
    const open = await startEmulator();
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${open.url}/chat/completions?api-version=1`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
      expect((await post({ authorization: 'Bearer opaque' })).status).toBe(200);
      expect((await post({ 'api-key': 'anything' })).status).toBe(200);
      expect((await post({})).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
