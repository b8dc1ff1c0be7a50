import ModelClient from '@azure-rest/ai-inference';
import type { ModelClientOptions } from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';

/** A ModelClient on the emulator's `/models` route with a key, and no SDK retries unless asked for. */
export function keyClient(emulator: RunningEmulator, key = 'test-key', options: ModelClientOptions = {}) {
  return ModelClient(`${emulator.url}/models`, new AzureKeyCredential(key), {
    retryOptions: { maxRetries: 0 },
    // Key credentials may travel over http only when the client is told so; the real service is https.
    allowInsecureConnection: true,
    ...options,
  });
}

/** An unsigned JWT: the emulator reads `aud` and `exp` but, like any test double, does not verify signatures. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.sig`;
}

/** A token credential that issues a JWT for the scope asked, recording the scopes it was asked for. */
export function fakeTokenCredential(scopesSeen: string[] = []): TokenCredential {
  return {
    getToken: (scopes): Promise<AccessToken> => {
      const list = Array.isArray(scopes) ? scopes : [scopes];
      scopesSeen.push(...list);
      const aud = (list[0] ?? '').replace(/\/\.default$/, '');
      const expiresOnTimestamp = Date.now() + 3600_000;
      return Promise.resolve({
        token: unsignedJwt({ aud, exp: Math.floor(expiresOnTimestamp / 1000) }),
        expiresOnTimestamp,
      });
    },
  };
}

export function imagePart(mime: string, bytes: Uint8Array, detail?: string) {
  const url = `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
  return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
}

export function audioPart(format: string, bytes: Uint8Array) {
  return { type: 'input_audio', input_audio: { data: Buffer.from(bytes).toString('base64'), format } };
}

export function userMessage(...content: unknown[]) {
  return { role: 'user', content };
}

/** POSTs raw JSON to the emulator, bypassing the SDK, for requests the SDK's types would not allow. */
export async function postRaw(
  emulator: RunningEmulator,
  body: unknown,
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(
    `${emulator.url}${options.path ?? '/models/chat/completions?api-version=2024-05-01-preview'}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': 'test-key', ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  );
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a stream): the text is returned as-is.
  }
  return { status: response.status, headers: response.headers, json };
}
