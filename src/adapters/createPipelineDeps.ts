import type { AppConfig } from '../config';
import type { Logger } from '../core/ports/Logger';
import type { PipelineDeps } from '../core/processBlob';
import { createBlobStore } from './createBlobStore';
import { createModelGateway } from './createModelGateway';
import { FfmpegAudioConverter } from './FfmpegAudioConverter';
import { SharpImageConverter } from './SharpImageConverter';
import { systemClock } from './systemClock';

/** The clients behind the ports; build them once per process and share them across invocations. */
export type PipelineClients = Pick<
  PipelineDeps,
  'blobs' | 'model' | 'clock' | 'settings' | 'images' | 'audio'
>;

export async function createPipelineClients(config: AppConfig): Promise<PipelineClients> {
  const [blobs, model] = await Promise.all([
    createBlobStore(config.storage),
    createModelGateway(config.inference),
  ]);
  return {
    blobs,
    model,
    clock: systemClock,
    settings: config.pipeline,
    // One image converter per process: its decode limits hold for every invocation on the instance.
    images: new SharpImageConverter(config.pipeline.imageDecode),
    audio: new FfmpegAudioConverter(),
  };
}

/** Shared clients plus a per-invocation logger. */
export function withLogger(clients: PipelineClients, logger: Logger): PipelineDeps {
  return { ...clients, logger };
}
