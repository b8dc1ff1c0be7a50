/**
 * Figure 10, in a child process: the CPU time of this process per item while the pipeline turns `names` small
 * images into documents, at a fixed concurrency, against the emulator with latency 0. `mode` says how:
 * - `trigger`: the blob trigger's handler, called as the host calls it (bytes, a text ETag, the length and the
 *   metadata delivered);
 * - `cli`: `processBlob` as the CLI and batch call it (no content delivered).
 * `root` is a compiled `src/` (this checkout's, or the baseline commit's), so the old and the new path run the
 * same measurement in the same bench run.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BlobServiceClient } from '@azure/storage-blob';
import { InvocationContext } from '@azure/functions';
import pLimit from 'p-limit';
import { AzureBlobStore } from '../../../src/adapters/AzureBlobStore';
import type * as AppDepsModule from '../../../src/adapters/createAppDeps';
import type * as ConfigModule from '../../../src/config';
import type * as ProcessBlobModule from '../../../src/core/blob/processBlob';
import type * as ProcessMediaBlobModule from '../../../src/functions/processMediaBlob';
import { childArgs, childMain } from '../child';
import { silentLogger } from '../silentLogger';

export interface PipelineCpuArgs {
  root: string;
  mode: 'trigger' | 'cli';
  connectionString: string;
  endpoint: string;
  container: string;
  output: string;
  /** Measured; `warmNames` run first, unmeasured. */
  names: string[];
  warmNames: string[];
  concurrency: number;
  run: string;
}

export interface PipelineCpuResult {
  /** User + system CPU time of this process per item, in milliseconds. */
  cpuMsPerItem: number;
  elapsedMs: number;
}

const settings = (args: PipelineCpuArgs, output: string): Record<string, string> => ({
  MediaStorage: args.connectionString,
  AZURE_INFERENCE_ENDPOINT: args.endpoint,
  AZURE_INFERENCE_CREDENTIAL: 'bench-key',
  AZURE_INFERENCE_MODEL: 'gpt-4o',
  MEDIA_INPUT_CONTAINER: args.container,
  MEDIA_OUTPUT_CONTAINER: output,
  MEDIA_RETRY_MAX_ATTEMPTS: '1',
});

/** One item through the old or the new pipeline; rejects unless it ended with its document. */
type RunOne = (name: string) => Promise<void>;

async function cliPath(args: PipelineCpuArgs): Promise<RunOne> {
  const { loadConfig } = (await import(path.join(args.root, 'config.js'))) as typeof ConfigModule;
  const { createAppDeps } = (await import(
    path.join(args.root, 'adapters', 'createAppDeps.js')
  )) as typeof AppDepsModule;
  const { processBlob } = (await import(
    path.join(args.root, 'core', 'blob', 'processBlob.js')
  )) as typeof ProcessBlobModule;
  const deps = (await createAppDeps(loadConfig(settings(args, args.output)))).pipeline(silentLogger);
  return async (name) => {
    const outcome = await processBlob(deps, {
      container: args.container,
      name,
      output: {
        container: args.output,
        resultName: `${args.run}/${name}.json`,
        errorName: `${args.run}/${name}.error.json`,
      },
    });
    if (outcome.status !== 'succeeded') throw new Error(`${name}: ${outcome.status}`);
  };
}

async function triggerPath(args: PipelineCpuArgs): Promise<RunOne> {
  // Documents go to `<name>.json` in the output container: a container of the run's own.
  const output = `${args.output}-${args.run}`;
  const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(args.connectionString));
  await blobs.createContainerIfNotExists(output);
  const delivered = new Map<string, { etag: string; bytes: Uint8Array }>();
  for (const name of [...args.warmNames, ...args.names]) {
    const read = await blobs.readBlob(args.container, name);
    if (read?.content === undefined) throw new Error(`${name} is missing`);
    delivered.set(name, { etag: read.properties.etag.replaceAll('"', ''), bytes: read.content });
  }
  Object.assign(process.env, settings(args, output));
  const { processMediaBlob } = (await import(
    path.join(args.root, 'functions', 'processMediaBlob.js')
  )) as typeof ProcessMediaBlobModule;
  return async (name) => {
    const { etag, bytes } = delivered.get(name) ?? { etag: '', bytes: new Uint8Array() };
    await processMediaBlob(
      bytes,
      new InvocationContext({
        invocationId: randomBytes(8).toString('hex'),
        functionName: 'processMediaBlob',
        triggerMetadata: {
          name,
          blobTrigger: `${args.container}/${name}`,
          uri: `http://127.0.0.1/devstoreaccount1/${args.container}/${name}`,
          properties: { eTag: etag, length: bytes.length },
          metadata: {},
        },
        logHandler: () => undefined,
      }),
    );
  };
}

childMain(async (): Promise<PipelineCpuResult> => {
  const args = childArgs() as PipelineCpuArgs;
  const runOne = args.mode === 'trigger' ? await triggerPath(args) : await cliPath(args);
  const limit = pLimit(args.concurrency);
  const all = (names: string[]) => Promise.all(names.map((name) => limit(() => runOne(name))));
  // Warm-up: JIT, SDK modules and the connection pool, as a running instance has them.
  await all(args.warmNames);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await all(args.names);
  const used = process.cpuUsage(cpu);
  return {
    cpuMsPerItem: (used.user + used.system) / 1000 / args.names.length,
    elapsedMs: performance.now() - started,
  };
});
