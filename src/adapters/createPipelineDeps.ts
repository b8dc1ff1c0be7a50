import type { AppConfig } from '../config';
import type { Logger } from '../core/ports/Logger';
import type { PipelineDeps } from '../core/processBlob';
import { ModelCircuitBreaker } from '../core/retry/ModelCircuitBreaker';
import { TokenLimitParameter } from '../core/retry/TokenLimitParameter';
import { createBlobStore } from './createBlobStore';
import { createModelGateway } from './createModelGateway';
import { FfmpegAudioConverter } from './FfmpegAudioConverter';
import { SharpImageConverter } from './SharpImageConverter';
import { systemClock } from './systemClock';

/** The clients behind the ports; build them once per process and share them across invocations. */
export type PipelineClients = Pick<
  PipelineDeps,
  'blobs' | 'model' | 'clock' | 'settings' | 'images' | 'audio' | 'breaker' | 'tokenLimit'
>;

export async function createPipelineClients(config: AppConfig): Promise<PipelineClients> {
  const [blobs, model] = await Promise.all([
    createBlobStore(config.storage),
    createModelGateway(config.inference),
  ]);
  const { pipeline } = config;
  return {
    blobs,
    model,
    clock: systemClock,
    settings: pipeline,
    // One image converter per process: its decode limits hold for every invocation on the instance.
    images: new SharpImageConverter(pipeline.imageDecode),
    audio: new FfmpegAudioConverter(),
    // Process-wide on purpose: what one invocation learns about the model's configuration holds for all.
    breaker: new ModelCircuitBreaker(systemClock, pipeline.retry.configurationBackoffMs),
    tokenLimit: new TokenLimitParameter(pipeline.maxTokensParameter),
  };
}

/** Shared clients plus a per-invocation logger. */
export function withLogger(clients: PipelineClients, logger: Logger): PipelineDeps {
  return { ...clients, logger };
}
