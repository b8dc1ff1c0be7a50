import { QueueServiceClient } from '@azure/storage-queue';
import { createAppDeps } from '../../src/adapters/createAppDeps';
import { batchQueueBindings } from '../../src/cli/batchQueueBindings';
import { runQueueWorker } from '../../src/cli/runQueueWorker';
import { loadConfig } from '../../src/config';
import { batchPaths } from '../../src/core/batch/batchPaths';
import { createBatch } from '../../src/core/batch/createBatch';
import { getBatchStatus } from '../../src/core/batch/getBatchStatus';
import type { BlobStore } from '../../src/core/ports/BlobStore';
import type { Logger } from '../../src/core/ports/Logger';

export interface BatchPhaseOptions {
  /** Azurite's connection string; the app settings are already in `process.env`. */
  connectionString: string;
  blobs: BlobStore;
  inputContainer: string;
  outputContainer: string;
  /** The folder of the input container the batch covers. */
  prefix: string;
}

export interface BatchPhaseReport {
  items: number;
  status: string;
  completed: number;
  failed: number;
  /** Item documents (`batches/<id>/items/*.json`), which must equal `items`. */
  documents: number;
  /** Items with both a result and an error document. */
  bothDocuments: number;
  queueInvocations: number;
  queueFailures: number;
  poisonedMessages: number;
}

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A batch over `prefix`, run through the Functions' own queue handlers (plan, item, finalize, poison) by the
 * local queue host on Azurite's Storage Queues, with the emulator's faults still on.
 */
export async function runBatchPhase(options: BatchPhaseOptions): Promise<BatchPhaseReport> {
  const config = loadConfig();
  const deps = await (await createAppDeps(config)).batch(silent);
  const bindings = await batchQueueBindings(config);
  const service = QueueServiceClient.fromConnectionString(options.connectionString);
  await Promise.all(bindings.map((binding) => service.getQueueClient(binding.queue).createIfNotExists()));

  const { record } = await createBatch(deps, {
    source: { kind: 'container', container: options.inputContainer, prefix: options.prefix },
    overrides: {},
    force: true,
  });
  const stats = await runQueueWorker({
    service,
    bindings,
    maxDequeueCount: config.batch.maxDequeueCount,
    visibilityTimeoutSeconds: 60,
    retryDelaySeconds: 0,
    concurrency: 8,
    pollIntervalMs: 50,
    idleExitMs: 1500,
  });
  const view = await getBatchStatus(deps, record.id);

  const names = new Map<string, number>();
  let continuationToken: string | undefined;
  do {
    const page = await options.blobs.listPage(options.outputContainer, {
      prefix: batchPaths.items(record.id),
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    for (const item of page.items) {
      const key = item.name.replace(/\.error\.json$|\.json$/, '');
      names.set(key, (names.get(key) ?? 0) + 1);
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);

  return {
    items: view?.request_counts.total ?? 0,
    status: view?.status ?? 'missing',
    completed: view?.request_counts.completed ?? 0,
    failed: view?.request_counts.failed ?? 0,
    documents: names.size,
    bothDocuments: [...names.values()].filter((count) => count > 1).length,
    queueInvocations: stats.invocations,
    queueFailures: stats.failures,
    poisonedMessages: stats.poisoned,
  };
}
