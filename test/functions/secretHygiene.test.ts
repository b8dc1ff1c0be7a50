import { inspect } from 'node:util';
import ModelClient from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { setLogLevel } from '@azure/logger';
import { InferenceModelGateway } from '../../src/adapters/InferenceModelGateway';
import { invocationLogger } from '../../src/adapters/invocationLogger';
import { systemClock } from '../../src/adapters/systemClock';
import type { ModelGateway } from '../../src/core/ports/ModelGateway';
import { processBlob, type PipelineDeps } from '../../src/core/blob/processBlob';
import { startEmulator } from '../../src/emulator/startEmulator';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { png } from '../fixtures/badInputs';
import { unsignedJwt } from '../emulator/emulatorClient';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { testConfig } from '../support/pipeline';
import { uniqueName } from '../support/storage';

/** Distinctive secrets: any of them in a log line or a document is a leak. */
const API_KEY = 'sk-hygiene-7f3a9c1e5b2d4f608a1b3c5d7e9f0a2b';
const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';
const TOKEN = unsignedJwt({
  aud: 'https://cognitiveservices.azure.com',
  exp: Math.floor(Date.now() / 1000) + 3600,
  jti: 'hygiene-token-5c0ffee5c0ffee5c0ffee',
});

/** An incompressible PNG: its base64 cannot appear anywhere by chance. */
const IMAGE = png(24, 24, { noise: true });
const BASE64 = IMAGE.toString('base64');
/** Chunks from the start (after the fixed header), the middle and the end of the payload. */
const PAYLOAD_CHUNKS = [BASE64.slice(60, 100), BASE64.slice(400, 440), BASE64.slice(-60, -20)];

/** Everything written anywhere during the run: invocation logs, console and the raw process streams. */
const captured: string[] = [];

function expectNoSecrets(text: string, where: string): void {
  const leaks = [API_KEY, TOKEN, TOKEN.split('.')[1] ?? TOKEN, ...PAYLOAD_CHUNKS, 'base64,'].filter(
    (secret) => text.includes(secret),
  );
  expect({ where, leaks }).toEqual({ where, leaks: [] });
}

/** The error and its `cause` chain: no REST request or response rides along, and no rendering shows a secret. */
function expectCleanError(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    expect(current).toBeInstanceOf(Error);
    const names = Object.getOwnPropertyNames(current);
    expect(names).not.toContain('request');
    expect(names).not.toContain('response');
    expectNoSecrets(JSON.stringify(current), 'JSON.stringify(error)');
    expectNoSecrets(inspect(current, { depth: 20, showHidden: true }), 'util.inspect(error)');
    current = (current as { cause?: unknown }).cause;
  }
}

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;
let completions: typeof Completions;
const writes: jest.SpyInstance[] = [];

beforeAll(async () => {
  // The SDK's own verbose logging on too: it must not print the key, the token or the body either.
  setLogLevel('verbose');
  const capture = (chunk: unknown): boolean => {
    captured.push(String(chunk));
    return true;
  };
  writes.push(
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
      }),
    ),
  );
  // Per model request: blobs (success; content filter; two 500s; two resets), then HTTP (the same three).
  const faults = ['ok', 'content-filter', '500', '500', 'reset', 'reset'] as const;
  harness = await functionsHarness(
    { key: API_KEY, faults: [...faults, 'ok', 'content-filter', '500', '500'] },
    { AZURE_INFERENCE_CREDENTIAL: API_KEY, MEDIA_RETRY_MAX_ATTEMPTS: '2' },
  );
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
  ({ completions } = await import('../../src/functions/completions'));
});

afterAll(async () => {
  setLogLevel('warning');
  for (const spy of writes) spy.mockRestore();
  await harness.close();
});

async function deliver(name: string): Promise<unknown> {
  await harness.blobs.upload(harness.input, name, IMAGE, { contentType: 'image/png' });
  try {
    await processMediaBlob(IMAGE, harness.context('processMediaBlob', { name }));
    return undefined;
  } catch (error) {
    return error;
  }
}

async function allDocuments(container: string): Promise<string> {
  const page = await harness.blobs.listPage(container);
  const texts = await Promise.all(
    page.items.map(async (item) =>
      JSON.stringify((await harness.blobs.readJson(container, item.name))?.value),
    ),
  );
  return texts.join('\n');
}

/** processBlob with a hand-built gateway (token credential or a rejected key) and the invocation logger. */
async function runCore(gateway: ModelGateway, name: string): Promise<{ logs: string[]; error: unknown }> {
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: uniqueName('inv'),
    functionName: 'processMediaBlob',
    logHandler: (_level, ...args) => {
      logs.push(args.map(String).join(' '));
    },
  });
  const settings = testConfig({
    MEDIA_INPUT_CONTAINER: harness.input,
    MEDIA_OUTPUT_CONTAINER: harness.output,
    MEDIA_RETRY_MAX_ATTEMPTS: '1',
  }).pipeline;
  const deps: PipelineDeps = {
    blobs: harness.blobs,
    model: gateway,
    clock: systemClock,
    logger: invocationLogger(context),
    settings,
  };
  await harness.blobs.upload(harness.input, name, IMAGE, { contentType: 'image/png' });
  try {
    await processBlob(deps, { container: harness.input, name });
    return { logs, error: undefined };
  } catch (error) {
    return { logs, error };
  }
}

describe('secret hygiene (API key, bearer token, payload)', () => {
  it('the blob handler leaks nothing on success, content filter, 500 and connection resets', async () => {
    expect(await deliver('ok.png')).toBeUndefined();
    expect(await deliver('filtered.png')).toBeUndefined();
    const unavailable = await deliver('unavailable.png');
    const reset = await deliver('reset.png');

    expect((await harness.blobs.readJson(harness.output, 'ok.png.json'))?.value).toMatchObject({
      status: 'succeeded',
    });
    expect((await harness.blobs.readJson(harness.output, 'filtered.png.error.json'))?.value).toMatchObject({
      error: { code: 'content_filter' },
    });
    expect(unavailable).toMatchObject({ code: 'model_unavailable', retryable: true });
    expect(reset).toMatchObject({ code: 'network_error', retryable: true });
    // The payload did travel: the emulator saw the image the chunks come from.
    expect(
      harness.emulator.stats().received.some((request) => request.media.some((m) => m.width === 24)),
    ).toBe(true);

    expectCleanError(unavailable);
    expectCleanError(reset);
    // The host logs a thrown error's message and stack.
    expectNoSecrets(`${String((reset as Error).stack)}\n${String((unavailable as Error).stack)}`, 'stacks');
    expectNoSecrets(harness.logs.join('\n'), 'context.log');
    expect(harness.logs.join('\n')).toContain('ok.png');
  });

  it('the HTTP handler leaks nothing in its answers or logs: success, content filter, 5xx, bad option', async () => {
    const post = async (
      body: { bytes: Uint8Array } | { string: string },
      headers: Record<string, string>,
    ) => {
      const query = { prompt: 'Describe this.' };
      const response = new HttpResponse(
        await completions(
          new HttpRequest({
            method: 'POST',
            url: 'http://localhost:7071/api/completions?prompt=Describe%20this.',
            headers,
            query,
            body,
          }),
          harness.context('completions', {}),
        ),
      );
      return { status: response.status, text: await response.text() };
    };
    const raw = { 'content-type': 'image/png', 'x-functions-key': 'function-key-not-a-secret-here' };
    const answers = [
      await post({ bytes: IMAGE }, raw),
      await post({ bytes: IMAGE }, raw),
      await post({ bytes: IMAGE }, raw),
    ];
    // JSON with the payload as base64 and a bad option: the error must not quote the body back.
    const json = JSON.stringify({ prompt: 'Describe.', max_tokens: 'lots', media: [{ data: BASE64 }] });
    answers.push(await post({ string: json }, { 'content-type': 'application/json' }));

    expect(answers.map((answer) => answer.status)).toEqual([200, 422, expect.any(Number), 400]);
    expect(answers[2]?.status).toBeGreaterThanOrEqual(500);
    for (const answer of answers) expectNoSecrets(answer.text, `HTTP ${answer.status} answer`);
    expectNoSecrets(harness.logs.join('\n'), 'context.log');
  });

  it('a rejected key (401) and a bearer token over https leak nothing', async () => {
    const locked = await startEmulator({ key: 'the-right-key' });
    const tls = await startEmulator({
      https: true,
      expectedAudience: COGNITIVE_SCOPE,
      faults: ['ok', 'reset'],
    });
    try {
      const wrongKey = new InferenceModelGateway(
        ModelClient(`${locked.url}/models`, new AzureKeyCredential(API_KEY), {
          retryOptions: { maxRetries: 0 },
          allowInsecureConnection: true,
        }),
      );
      const withToken = new InferenceModelGateway(
        ModelClient(
          `${tls.url}/models`,
          { getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
          {
            credentials: { scopes: [COGNITIVE_SCOPE] },
            tlsOptions: { ca: tls.certificate },
            retryOptions: { maxRetries: 0 },
          },
        ),
      );
      const unauthorized = await runCore(wrongKey, 'unauthorized.png');
      const tokenOk = await runCore(withToken, 'token-ok.png');
      const tokenReset = await runCore(withToken, 'token-reset.png');

      // A configuration fault: no document (nothing settles the input), the error itself carries no secret.
      expect(unauthorized.error).toMatchObject({
        code: 'unauthorized',
        httpStatus: 401,
        errorClass: 'configuration',
      });
      expectCleanError(unauthorized.error);
      expect(await harness.blobs.readJson(harness.output, 'unauthorized.png.error.json')).toBeUndefined();
      expect(tokenOk.error).toBeUndefined();
      expect((await harness.blobs.readJson(harness.output, 'token-ok.png.json'))?.value).toMatchObject({
        status: 'succeeded',
      });
      expect(tokenReset.error).toMatchObject({ code: 'network_error' });
      expectCleanError(tokenReset.error);
      for (const run of [unauthorized, tokenOk, tokenReset])
        expectNoSecrets(run.logs.join('\n'), 'context.log');
    } finally {
      await Promise.all([locked.close(), tls.close()]);
    }
  });

  it('no document and no console or stream output carries a secret or the payload', async () => {
    expectNoSecrets(await allDocuments(harness.output), 'output documents');
    expectNoSecrets(captured.join('\n'), 'console and process streams');
    // The SDK's verbose log ran (otherwise this proves little) and redacted what it printed.
    expect(captured.join('\n')).toMatch(/REDACTED|Request:|Response status code/);
  });
});
