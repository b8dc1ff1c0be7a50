import { BlobServiceClient } from '@azure/storage-blob';
import { InvocationContext } from '@azure/functions';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import type { EmulatorOptions } from '../../src/emulator/EmulatorOptions';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import { startEmulator } from '../../src/emulator/startEmulator';
import { testConnectionString, uniqueName } from './storage';

export const FUNCTIONS_TEST_KEY = 'functions-test-key';

export interface FunctionsHarness {
  emulator: RunningEmulator;
  blobs: AzureBlobStore;
  input: string;
  output: string;
  /** Every line the handlers logged through their InvocationContext. */
  logs: string[];
  context(functionName: string, triggerMetadata: Record<string, unknown>): InvocationContext;
  close(): Promise<void>;
}

/**
 * Starts the emulator, creates fresh containers and sets the app settings in `process.env` the way the host
 * does, before the function modules are imported (they read settings at load). Import the modules after this.
 */
export async function functionsHarness(
  emulatorOptions: EmulatorOptions = {},
  env: Record<string, string> = {},
): Promise<FunctionsHarness> {
  const emulator = await startEmulator({
    key: FUNCTIONS_TEST_KEY,
    faultRetryAfterMs: 20,
    ...emulatorOptions,
  });
  const input = uniqueName('fin');
  const output = uniqueName('fout');
  const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
  await Promise.all([blobs.createContainerIfNotExists(input), blobs.createContainerIfNotExists(output)]);
  Object.assign(process.env, {
    MediaStorage: testConnectionString(),
    AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
    AZURE_INFERENCE_CREDENTIAL: FUNCTIONS_TEST_KEY,
    AZURE_INFERENCE_MODEL: 'gpt-4o',
    MEDIA_INPUT_CONTAINER: input,
    MEDIA_OUTPUT_CONTAINER: output,
    MEDIA_RETRY_BASE_DELAY_MS: '10',
    MEDIA_RETRY_MAX_DELAY_MS: '50',
    // Off unless a test configures some: the app root's analyzers.json would otherwise apply to every test.
    MEDIA_ANALYZERS: '{"analyzers": {}}',
    ...env,
  });
  const logs: string[] = [];
  return {
    emulator,
    blobs,
    input,
    output,
    logs,
    context: (functionName, triggerMetadata) =>
      new InvocationContext({
        invocationId: uniqueName('inv'),
        functionName,
        triggerMetadata,
        logHandler: (_level, ...args) => {
          logs.push(args.map(String).join(' '));
        },
      }),
    close: () => emulator.close(),
  };
}
