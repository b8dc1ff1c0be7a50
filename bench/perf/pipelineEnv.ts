import { createAppDeps } from '../../src/adapters/createAppDeps';
import { loadConfig, type AppConfig } from '../../src/config';
import { performance } from 'node:perf_hooks';
import type { ResultDocument } from '../../src/core/outputs/documents';
import { processBlob, type PipelineDeps } from '../../src/core/blob/processBlob';
import { silentLogger } from './silentLogger';

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

/** The pipeline's clients on the bench's containers with `extra` settings, logging nothing. */
export async function benchDeps(
  args: { connectionString: string; endpoint: string; container: string; output: string },
  extra: Record<string, string>,
): Promise<PipelineDeps> {
  const config = benchConfig(args.connectionString, args.endpoint, {
    MEDIA_INPUT_CONTAINER: args.container,
    MEDIA_OUTPUT_CONTAINER: args.output,
    ...extra,
  });
  return (await createAppDeps(config)).pipeline(silentLogger);
}

/** One timed `processBlob` of `args.name` into `<run>.json`; throws unless it succeeded. */
export async function timedProcessBlob(
  deps: PipelineDeps,
  args: { container: string; output: string; name: string },
  run: string,
): Promise<{ document: ResultDocument; elapsedMs: number }> {
  const started = performance.now();
  const outcome = await processBlob(deps, {
    container: args.container,
    name: args.name,
    output: { container: args.output, resultName: `${run}.json`, errorName: `${run}.error.json` },
  });
  const elapsedMs = performance.now() - started;
  if (outcome.status !== 'succeeded') throw new Error(`pipeline ended ${outcome.status}`);
  return { document: outcome.document, elapsedMs };
}
