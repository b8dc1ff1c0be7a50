import type { InvocationContext } from '@azure/functions';
import { createPipelineClients, withLogger, type PipelineClients } from '../../adapters/createPipelineDeps';
import { invocationLogger } from '../../adapters/invocationLogger';
import { loadConfig, type AppConfig } from '../../config';
import type { PipelineDeps } from '../../core/processBlob';

let config: AppConfig | undefined;
let clients: Promise<PipelineClients> | undefined;

/**
 * The app settings, validated on first use (module registration), so a bad setting fails the host's start with
 * a message naming it.
 */
export function appConfig(): AppConfig {
  config ??= loadConfig();
  return config;
}

/** Pipeline dependencies for one invocation: clients are created once per process, on the first invocation. */
export async function pipelineDeps(context: InvocationContext): Promise<PipelineDeps> {
  clients ??= createPipelineClients(appConfig()).catch((error: unknown) => {
    clients = undefined;
    throw error;
  });
  return withLogger(await clients, invocationLogger(context));
}
