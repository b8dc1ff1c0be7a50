import type { AppConfig } from '../config';
import type { BatchDeps } from '../core/batch/BatchDeps';
import { BatchRecordCache } from '../core/batch/BatchRecordCache';
import type { HttpCompletionDeps } from '../core/http/handleCompletionRequest';
import type { Clock } from '../core/ports/Clock';
import type { Logger } from '../core/ports/Logger';
import type { PipelineDeps } from '../core/blob/processBlob';
import { ModelCircuitBreaker } from '../core/retry/ModelCircuitBreaker';
import { ResponseFormatSupport } from '../core/retry/ResponseFormatSupport';
import { TokenLimitParameter } from '../core/retry/TokenLimitParameter';
import { createBatchClients, type BatchClients } from './createBatchClients';
import { createBlobServiceClient } from './createBlobServiceClient';
import { createModelGateway } from './createModelGateway';
import { FfmpegAudioConverter } from './FfmpegAudioConverter';
import { SharpImageConverter } from './SharpImageConverter';
import { systemClock } from './systemClock';

/**
 * What every entry point (the functions, the CLI commands) builds on: one process's clients and settings, with
 * the logger of each invocation added per call.
 */
export interface AppDeps {
  readonly config: AppConfig;
  /** For the blob trigger, the poison handler and the CLI's `process`/`demo`. */
  pipeline(logger: Logger): PipelineDeps;
  /** For `POST /api/completions`: the pipeline's plus the HTTP settings. */
  http(logger: Logger): HttpCompletionDeps;
  /** For batches: the pipeline's plus the queue and block clients (built on the first call) and batch settings. */
  batch(logger: Logger): Promise<BatchDeps>;
}

/** Per-entry-point replacements; the defaults are the production ones. */
export interface AppDepsOptions {
  /** Tests: virtual time for retry waits and claims. */
  clock?: Clock;
  /** Tests: a fixed retry jitter. */
  random?: () => number;
}

/**
 * The composition root: builds the model gateway, blob store, converters, breaker and token limit once per
 * process (share the result across invocations: the breaker, the learnt token parameter and the decode limits
 * hold for the whole process). The SDKs load here, on first use, not at module load.
 *
 * @throws what creating a client throws (e.g. an unloadable SDK); credentials are not exercised until a call.
 */
export async function createAppDeps(config: AppConfig, options: AppDepsOptions = {}): Promise<AppDeps> {
  const [blobService, model, { AzureBlobStore }] = await Promise.all([
    createBlobServiceClient(config.storage),
    createModelGateway(config.inference),
    import('./AzureBlobStore'),
  ]);
  const blobs = new AzureBlobStore(blobService);
  const { pipeline } = config;
  const clock = options.clock ?? systemClock;
  const shared: Omit<PipelineDeps, 'logger'> = {
    blobs,
    model,
    clock,
    settings: pipeline,
    ...(options.random === undefined ? {} : { random: options.random }),
    // One image converter per process: its decode limits hold for every invocation on the instance.
    images: new SharpImageConverter(pipeline.imageDecode),
    audio: new FfmpegAudioConverter(),
    // Process-wide on purpose: what one invocation learns about the model's configuration holds for all.
    breaker: new ModelCircuitBreaker(clock, pipeline.retry.configurationBackoffMs),
    tokenLimit: new TokenLimitParameter(pipeline.maxTokensParameter),
    responseFormats: new ResponseFormatSupport(),
  };
  // Items take the batch record from here instead of reading it each (one request per item); a cancel made on
  // another instance reaches this one's items within 10 s. Items started meanwhile finish, as in-flight ones do.
  const records = new BatchRecordCache(clock, { maxAgeMs: 10_000 });
  // The queue SDK loads only in a process that runs a batch step.
  let batchClients: Promise<BatchClients> | undefined;
  const app: AppDeps = {
    config,
    pipeline: (logger) => ({ ...shared, logger }),
    http: (logger) => ({ ...shared, logger, http: config.http }),
    batch: async (logger) => {
      batchClients ??= createBatchClients(config.storage, blobService).catch((error: unknown) => {
        batchClients = undefined;
        throw error;
      });
      return { ...shared, logger, ...(await batchClients), batch: config.batch, records };
    },
  };
  return app;
}
