import type { InvocationContext } from '@azure/functions';
import { createAppDeps, type AppDeps } from '../../adapters/createAppDeps';
import { invocationLogger } from '../../adapters/invocationLogger';
import { loadConfig, type AppConfig } from '../../config';
import type { BatchDeps } from '../../core/batch/BatchDeps';
import type { HttpCompletionDeps } from '../../core/http/handleCompletionRequest';
import type { PipelineDeps } from '../../core/blob/processBlob';

let config: AppConfig | undefined;
let deps: Promise<AppDeps> | undefined;

/**
 * The app settings, validated on first use (module registration), so a bad setting fails the host's start with
 * a message naming it.
 */
export function appConfig(): AppConfig {
  config ??= loadConfig();
  return config;
}

/** The process's dependencies, built on the first invocation; a failed build is tried again on the next. */
function appDeps(): Promise<AppDeps> {
  deps ??= createAppDeps(appConfig()).catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  return deps;
}

/** Pipeline dependencies for one invocation, logging to its context. */
export async function pipelineDeps(context: InvocationContext): Promise<PipelineDeps> {
  return (await appDeps()).pipeline(invocationLogger(context));
}

/** `POST /api/completions` dependencies for one invocation. */
export async function httpDeps(context: InvocationContext): Promise<HttpCompletionDeps> {
  return (await appDeps()).http(invocationLogger(context));
}

/** Batch dependencies for one invocation (batch HTTP endpoints and queue steps). */
export async function batchDeps(context: InvocationContext): Promise<BatchDeps> {
  return (await appDeps()).batch(invocationLogger(context));
}
