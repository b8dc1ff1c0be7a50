import type { BlobServiceClient } from '@azure/storage-blob';
import type { StorageConnection } from '../config';
import type { BlobBlocks } from '../core/ports/BlobBlocks';
import type { WorkQueue } from '../core/ports/WorkQueue';
import { credentialFor } from './credentialFor';

/** The clients batch needs on top of the pipeline's: the queues and block-level blob access. */
export interface BatchClients {
  queue: WorkQueue;
  blocks: BlobBlocks;
}

/**
 * For either connection form (identity: `credentialFor`); block access goes through `blobService`, the process's
 * one Blob service client (`createBlobServiceClient`). The queue SDK loads on first use.
 */
export async function createBatchClients(
  connection: StorageConnection,
  blobService: BlobServiceClient,
): Promise<BatchClients> {
  const [{ QueueServiceClient }, { AzureBlobBlocks }, { AzureWorkQueue }] = await Promise.all([
    import('@azure/storage-queue'),
    import('./AzureBlobBlocks'),
    import('./AzureWorkQueue'),
  ]);
  const blocks = new AzureBlobBlocks(blobService);
  if (connection.kind === 'connectionString') {
    return {
      queue: new AzureWorkQueue(QueueServiceClient.fromConnectionString(connection.connectionString)),
      blocks,
    };
  }
  const credential = await credentialFor(connection);
  return {
    queue: new AzureWorkQueue(new QueueServiceClient(connection.queueServiceUri, credential)),
    blocks,
  };
}
