import { HttpRequest, HttpResponse } from '@azure/functions';
import { registerBatchCommand } from '../../src/cli/batchCommand';
import { registerProcessCommand } from '../../src/cli/processCommand';
import type { completions as Completions } from '../../src/functions/completions';
import type { poisonBlobs as PoisonBlobs } from '../../src/functions/poisonBlobs';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, FUNCTIONS_TEST_KEY, type FunctionsHarness } from '../support/functionsHarness';
import { expectValidResponse } from '../support/openapi';
import { runCliCommand } from '../support/runCliCommand';
import { uniqueName } from '../support/storage';

/**
 * Each configuration fault a new deployment meets, through the blob trigger, the CLI and the HTTP function:
 * while it lasts nothing is settled and the model is called at most a few times; after the fix, a re-run gives
 * every input its result, and processes nothing else.
 */
interface FaultCase {
  name: string;
  /** Settings while the configuration is wrong, and after it is fixed (the emulator is at `url`). */
  broken(url: string): Record<string, string>;
  fixed(url: string): Record<string, string>;
  modelCode: string;
  modelStatus: number;
  /** What the one line must name. */
  setting: string;
}

const CASES: FaultCase[] = [
  {
    name: 'a wrong key (401)',
    broken: () => ({ AZURE_INFERENCE_CREDENTIAL: 'not-the-key' }),
    fixed: () => ({ AZURE_INFERENCE_CREDENTIAL: FUNCTIONS_TEST_KEY }),
    modelCode: 'unauthorized',
    modelStatus: 401,
    setting: 'AZURE_INFERENCE_CREDENTIAL',
  },
  {
    name: 'an identity without its role yet (403)',
    broken: () => ({ AZURE_INFERENCE_CREDENTIAL: 'key-without-role' }),
    fixed: () => ({ AZURE_INFERENCE_CREDENTIAL: FUNCTIONS_TEST_KEY }),
    modelCode: 'forbidden',
    modelStatus: 403,
    setting: 'Cognitive Services User',
  },
  {
    name: 'a deployment name typo (404 DeploymentNotFound)',
    broken: (url) => ({ AZURE_INFERENCE_ENDPOINT: `${url}/openai/deployments/gpt-4o-typo` }),
    fixed: (url) => ({ AZURE_INFERENCE_ENDPOINT: `${url}/openai/deployments/gpt-4o` }),
    modelCode: 'deployment_not_found',
    modelStatus: 404,
    setting: 'AZURE_INFERENCE_MODEL',
  },
  {
    name: 'an unsupported api-version (400)',
    broken: () => ({ AZURE_INFERENCE_API_VERSION: '2023-01-01' }),
    fixed: () => ({ AZURE_INFERENCE_API_VERSION: '' }),
    modelCode: 'api_version_not_supported',
    modelStatus: 400,
    setting: 'AZURE_INFERENCE_API_VERSION',
  },
];

const SETTINGS = [
  'AZURE_INFERENCE_CREDENTIAL',
  'AZURE_INFERENCE_ENDPOINT',
  'AZURE_INFERENCE_API_VERSION',
  'AZURE_CLIENT_ID',
] as const;

let harness: FunctionsHarness | undefined;
let saved: Record<string, string | undefined> = {};

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
  saved = {};
});

/** A strict emulator (key, deployments, api-versions), fresh containers, and the broken settings applied. */
async function start(fault: FaultCase): Promise<FunctionsHarness> {
  saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
  harness = await functionsHarness(
    {
      keysWithoutRole: ['key-without-role'],
      deployments: ['gpt-4o'],
      apiVersions: ['2024-05-01-preview', '2025-01-01-preview'],
    },
    { MEDIA_BATCH_QUEUE: uniqueName('cfq') },
  );
  configure(fault.broken(harness.emulator.url));
  return harness;
}

/** Applies settings as the app's configuration would (a changed setting restarts the app). */
function configure(settings: Record<string, string>): void {
  Object.assign(process.env, settings);
}

/** Model requests so far (any route: a refused credential never reaches the chat handler). */
const modelRequests = (harness: FunctionsHarness): number => harness.emulator.stats().requests;

/** The function modules as a fresh process loads them with the current settings. */
async function load(harness: FunctionsHarness): Promise<{
  processMediaBlob: typeof ProcessMediaBlob;
  poisonBlobs: typeof PoisonBlobs;
  completions: typeof Completions;
}> {
  let loaded:
    | {
        processMediaBlob: typeof ProcessMediaBlob;
        poisonBlobs: typeof PoisonBlobs;
        completions: typeof Completions;
      }
    | undefined;
  await jest.isolateModulesAsync(async () => {
    const [blob, poison, http] = await Promise.all([
      import('../../src/functions/processMediaBlob'),
      import('../../src/functions/poisonBlobs'),
      import('../../src/functions/completions'),
    ]);
    // The clients load their SDK modules lazily: create them while this registry is the active one, or the
    // error classes they throw would not be the ones the fresh core checks with instanceof.
    const { pipelineDeps } = await import('../../src/functions/shared/runtime');
    await pipelineDeps(harness.context('warm-up', {}));
    loaded = {
      processMediaBlob: blob.processMediaBlob,
      poisonBlobs: poison.poisonBlobs,
      completions: http.completions,
    };
  });
  if (loaded === undefined) throw new Error('the functions did not load');
  return loaded;
}

async function uploadImages(harness: FunctionsHarness, names: readonly string[]): Promise<void> {
  for (const [index, name] of names.entries()) {
    await harness.blobs.upload(harness.input, name, await encodeImage('png', 4 + index, 4));
  }
}

describe.each(CASES)('$name', (fault) => {
  it('blob trigger: rethrows with no document, calls the model once, and processes every input after the fix', async () => {
    const harness = await start(fault);
    const names = ['cf/a.png', 'cf/b.png', 'cf/c.png'];
    await uploadImages(harness, names);
    const broken = await load(harness);
    const deliver = (fns: typeof broken, name: string) =>
      fns.processMediaBlob(undefined, harness.context('processMediaBlob', { name }));

    for (const name of names) {
      // The host retries a rethrown blob later, and after poisonBlobThreshold tries hands it to poisonBlobs.
      await expect(deliver(broken, name)).rejects.toMatchObject({
        code: fault.modelCode,
        errorClass: 'configuration',
        retryable: true,
      });
    }
    // One call tells; the breaker keeps the other inputs from calling at all.
    expect(modelRequests(harness)).toBe(1);
    for (const name of names) {
      expect(await harness.blobs.readJson(harness.output, `${name}.json`)).toBeUndefined();
      expect(await harness.blobs.readJson(harness.output, `${name}.error.json`)).toBeUndefined();
    }
    // The host gave up on one of them: its retries_exhausted document names the fault and settles nothing.
    await broken.poisonBlobs(
      JSON.stringify({
        FunctionId: 'Host.Functions.processMediaBlob',
        ContainerName: harness.input,
        BlobName: names[0],
      }),
      harness.context('poisonBlobs', { dequeueCount: 1 }),
    );
    const poisoned = (await harness.blobs.readJson(harness.output, `${names[0]}.error.json`))?.value;
    expectValidErrorDocument(poisoned);
    expect(poisoned).toMatchObject({ error: { code: 'retries_exhausted', retryable: true } });
    expect(JSON.stringify(poisoned)).toContain(fault.setting);

    configure(fault.fixed(harness.emulator.url));
    const fixed = await load(harness);
    for (const name of names) await deliver(fixed, name);
    for (const name of names) {
      expect((await harness.blobs.readJson(harness.output, `${name}.json`))?.value).toMatchObject({
        status: 'succeeded',
      });
      expect(await harness.blobs.readJson(harness.output, `${name}.error.json`)).toBeUndefined();
    }
    const afterFix = modelRequests(harness);
    expect(afterFix).toBe(1 + names.length);
    for (const name of names) await deliver(fixed, name);
    expect(modelRequests(harness)).toBe(afterFix);
  });

  it('CLI process: exits 1 with one line naming the setting, then the re-run processes exactly those inputs', async () => {
    const harness = await start(fault);
    // An input done before the configuration broke must not be processed again.
    configure(fault.fixed(harness.emulator.url));
    await uploadImages(harness, ['done/first.png']);
    expect((await runCliCommand(registerProcessCommand, 'process', ['--prefix', 'done/'])).exitCode).toBe(0);
    configure(fault.broken(harness.emulator.url));
    const names = ['cli/a.png', 'cli/b.png', 'cli/c.png', 'cli/d.png', 'cli/e.png', 'cli/f.png'];
    await uploadImages(harness, names);
    const before = modelRequests(harness);

    const broken = await runCliCommand(registerProcessCommand, 'process', ['--concurrency', '2']);
    expect(broken.exitCode).toBe(1);
    const lines = broken.output.split('\n').filter((line) => line !== '');
    expect(lines[0]).toContain(fault.setting);
    expect(broken.output.split(fault.setting)).toHaveLength(2);
    expect(broken.output).toContain('already processed');
    expect(broken.output).toContain(
      '7 input(s): 0 succeeded, 1 already done, 0 failed (error documents), 6 not finished',
    );
    // At most one call per concurrent slot before the breaker opened.
    expect(modelRequests(harness) - before).toBeLessThanOrEqual(2);

    configure(fault.fixed(harness.emulator.url));
    const beforeFix = modelRequests(harness);
    const fixed = await runCliCommand(registerProcessCommand, 'process', ['--concurrency', '2']);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.output).toContain(
      '7 input(s): 6 succeeded, 1 already done, 0 failed (error documents), 0 not finished.',
    );
    expect(modelRequests(harness) - beforeFix).toBe(names.length);
  });

  it('HTTP: answers 502 model_configuration with the service code, then 200 after the fix', async () => {
    const harness = await start(fault);
    const png = await encodeImage('png', 8, 8);
    const post = async (handler: typeof Completions): Promise<HttpResponse> =>
      new HttpResponse(
        await handler(
          new HttpRequest({
            method: 'POST',
            url: 'http://localhost:7071/api/completions?prompt=Describe',
            headers: { 'content-type': 'image/png' },
            query: { prompt: 'Describe' },
            body: { bytes: png },
          }),
          harness.context('completions', {}),
        ),
      );
    const { completions: broken } = await load(harness);
    for (let request = 0; request < 3; request++) {
      const response = await post(broken);
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expectValidResponse(502, body);
      expect(body.error).toMatchObject({
        code: 'model_configuration',
        modelCode: fault.modelCode,
        modelStatus: fault.modelStatus,
      });
      expect(String(body.error.message)).toContain(fault.setting);
    }
    expect(modelRequests(harness)).toBe(1);

    configure(fault.fixed(harness.emulator.url));
    const { completions: fixed } = await load(harness);
    const response = await post(fixed);
    expect(response.status).toBe(200);
  });
});

it('CLI batch: stops at the first configuration fault with one line, counts nothing as failed, and runs after the fix', async () => {
  const [fault] = CASES;
  if (fault === undefined) throw new Error('no case');
  const harness = await start(fault);
  const names = ['batch/a.png', 'batch/b.png', 'batch/c.png', 'batch/d.png'];
  await uploadImages(harness, names);
  const broken = await runCliCommand(registerBatchCommand, 'batch', [
    '--prefix',
    'batch/',
    '--concurrency',
    '2',
  ]);
  expect(broken.exitCode).toBe(1);
  const lines = broken.output.split('\n');
  expect(lines[0]).toMatch(/^Batch batch_/);
  expect(lines[1]).toContain(fault.setting);
  expect(broken.output.split(fault.setting)).toHaveLength(2);
  expect(broken.output).toContain('no item was counted as failed');
  expect(broken.output).toMatch(/Requests: \d+ total, 0 completed, 0 failed/);
  expect(modelRequests(harness)).toBeLessThanOrEqual(2);

  configure(fault.fixed(harness.emulator.url));
  const fixed = await runCliCommand(registerBatchCommand, 'batch', ['--prefix', 'batch/', '--force']);
  expect(fixed.exitCode).toBe(0);
  expect(fixed.output).toContain('Requests: 4 total, 4 completed, 0 failed');
});

it('a managed identity that cannot get a token is reported at once as a configuration fault, without retries', async () => {
  const fault: FaultCase = {
    name: 'no managed identity',
    // No key: Entra ID with a user-assigned identity, on a machine that has none. The endpoint is never reached.
    broken: () => ({
      AZURE_INFERENCE_CREDENTIAL: '',
      AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
      AZURE_INFERENCE_ENDPOINT: 'https://127.0.0.1:9/models',
    }),
    fixed: (url) => ({
      AZURE_INFERENCE_CREDENTIAL: FUNCTIONS_TEST_KEY,
      AZURE_CLIENT_ID: '',
      AZURE_INFERENCE_ENDPOINT: `${url}/models`,
    }),
    modelCode: 'credential_unavailable',
    modelStatus: 0,
    setting: 'AZURE_INFERENCE_CREDENTIAL',
  };
  const harness = await start(fault);
  const names = ['mi/a.png', 'mi/b.png'];
  await uploadImages(harness, names);
  const broken = await runCliCommand(registerProcessCommand, 'process', [
    '--prefix',
    'mi/',
    '--concurrency',
    '1',
  ]);
  expect(broken.exitCode).toBe(1);
  const [headline] = broken.output.split('\n');
  expect(headline).toMatch(/^No token for the model: .*The credential said: ManagedIdentityCredential/);
  expect(broken.output.split('No token for the model')).toHaveLength(2);

  const { completions } = await load(harness);
  const response = new HttpResponse(
    await completions(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/completions?prompt=Describe',
        headers: { 'content-type': 'image/png' },
        query: { prompt: 'Describe' },
        body: { bytes: await encodeImage('png', 8, 8) },
      }),
      harness.context('completions', {}),
    ),
  );
  expect(response.status).toBe(502);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expectValidResponse(502, body);
  expect(body.error).toMatchObject({ code: 'model_configuration', modelCode: 'credential_unavailable' });
  expect(body.error).not.toHaveProperty('modelStatus');

  configure(fault.fixed(harness.emulator.url));
  const fixed = await runCliCommand(registerProcessCommand, 'process', ['--prefix', 'mi/']);
  expect(fixed.exitCode).toBe(0);
  expect(fixed.output).toContain('2 input(s): 2 succeeded');
});
