import { loadConfig, type AppConfig } from '../../src/config';

/** The app settings the bench runs the pipeline with: Azurite, the emulator, and retries that fail fast. */
export function benchConfig(
  connectionString: string,
  endpoint: string,
  extra: Record<string, string> = {},
): AppConfig {
  return loadConfig({
    MediaStorage: connectionString,
    AZURE_INFERENCE_ENDPOINT: endpoint,
    AZURE_INFERENCE_CREDENTIAL: 'bench-key',
    AZURE_INFERENCE_MODEL: 'gpt-4o',
    MEDIA_INPUT_CONTAINER: 'bench-in',
    MEDIA_OUTPUT_CONTAINER: 'bench-out',
    MEDIA_RETRY_MAX_ATTEMPTS: '1',
    ...extra,
  });
}
