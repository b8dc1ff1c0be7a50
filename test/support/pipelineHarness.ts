import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { createModelGateway } from '../../src/adapters/createModelGateway';
import type { AppConfig } from '../../src/config';
import type { PipelineDeps } from '../../src/core/blob/processBlob';
import type { EmulatorOptions } from '../../src/emulator/EmulatorOptions';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import { startEmulator } from '../../src/emulator/startEmulator';
import { memoryLogger, testConfig, virtualClock, type VirtualClock } from './pipeline';
import { testConnectionString, uniqueName } from './storage';

export interface PipelineHarness {
  deps: PipelineDeps & { clock: VirtualClock; logger: ReturnType<typeof memoryLogger> };
  config: AppConfig;
  emulator: RunningEmulator;
  blobs: AzureBlobStore;
  input: string;
  output: string;
  close(): Promise<void>;
}

/**
 * The real pipeline wiring for tests: Azurite (fresh containers), our emulator as the model behind the real SDK
 * adapter, virtual time for retry waits. `env` overrides settings; the containers and endpoint are set here.
 */
export async function pipelineHarness(
  emulatorOptions: EmulatorOptions = {},
  env: Record<string, string> = {},
): Promise<PipelineHarness> {
  const emulator = await startEmulator({ key: 'test-key', faultRetryAfterMs: 50, ...emulatorOptions });
  const input = uniqueName('in');
  const output = uniqueName('out');
  const config = testConfig({
    MediaStorage: testConnectionString(),
    AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
    MEDIA_INPUT_CONTAINER: input,
    MEDIA_OUTPUT_CONTAINER: output,
    ...env,
  });
  const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
  await Promise.all([blobs.createContainerIfNotExists(input), blobs.createContainerIfNotExists(output)]);
  const deps = {
    blobs,
    model: await createModelGateway(config.inference),
    clock: virtualClock(),
    logger: memoryLogger(),
    settings: config.pipeline,
    random: () => 0.5,
  };
  return { deps, config, emulator, blobs, input, output, close: () => emulator.close() };
}
