import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { AzureBlobBlocks } from '../../src/adapters/AzureBlobBlocks';
import { AzureWorkQueue } from '../../src/adapters/AzureWorkQueue';
import type { BatchDeps } from '../../src/core/batch/BatchDeps';
import { BatchRecordCache } from '../../src/core/batch/BatchRecordCache';
import type { BatchSettings } from '../../src/core/batch/BatchSettings';
import { resolveBatchQueues } from '../../src/core/batch/resolveBatchQueues';
import type { EmulatorOptions } from '../../src/emulator/EmulatorOptions';
import { pipelineHarness, type PipelineHarness } from './pipelineHarness';
import { testConnectionString, uniqueName } from './storage';

export interface BatchHarness extends PipelineHarness {
  batchDeps: BatchDeps & { clock: PipelineHarness['deps']['clock'] };
  queues: QueueServiceClient;
  /** Upload `count` blobs named `<prefix><n padded>` with `data`, 128 at a time. */
  seed(count: number, data: Uint8Array, prefix?: string): Promise<string[]>;
}

/** The pipeline harness plus real Azurite queues (a unique item queue) and block access, for batch tests. */
export async function batchHarness(
  emulatorOptions: EmulatorOptions = {},
  env: Record<string, string> = {},
  batch: Partial<BatchSettings> = {},
): Promise<BatchHarness> {
  const harness = await pipelineHarness(emulatorOptions, env);
  const queues = QueueServiceClient.fromConnectionString(testConnectionString());
  const settings: BatchSettings = {
    ...harness.config.batch,
    queues: resolveBatchQueues(uniqueName('bq')),
    ...batch,
  };
  const batchDeps = {
    ...harness.deps,
    queue: new AzureWorkQueue(queues),
    blocks: new AzureBlobBlocks(BlobServiceClient.fromConnectionString(testConnectionString())),
    batch: settings,
    records: new BatchRecordCache(harness.deps.clock, { maxAgeMs: 10_000 }),
  };
  const seed = async (count: number, data: Uint8Array, prefix = 'item-'): Promise<string[]> => {
    const names = Array.from({ length: count }, (_, n) => `${prefix}${String(n).padStart(6, '0')}.png`);
    for (let start = 0; start < names.length; start += 128) {
      await Promise.all(
        names.slice(start, start + 128).map((name) => harness.blobs.upload(harness.input, name, data)),
      );
    }
    return names;
  };
  return { ...harness, batchDeps, queues, seed };
}
