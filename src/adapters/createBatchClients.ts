import type { StorageConnection } from '../config';
import type { BlobBlocks } from '../core/ports/BlobBlocks';
import type { WorkQueue } from '../core/ports/WorkQueue';
import { credentialFor } from './credentialFor';

/** The clients batch needs on top of the pipeline's: the queues and block-level blob access. */
export interface BatchClients {
  queue: WorkQueue;
  blocks: BlobBlocks;
}

/** For either connection form (identity: `credentialFor`), like `createBlobStore`; the SDKs load on first use. */
export async function createBatchClients(connection: StorageConnection): Promise<BatchClients> {
  const [{ BlobServiceClient }, { QueueServiceClient }, { AzureBlobBlocks }, { AzureWorkQueue }] =
    await Promise.all([
      import('@azure/storage-blob'),
      import('@azure/storage-queue'),
      import('./AzureBlobBlocks'),
      import('./AzureWorkQueue'),
    ]);
  if (connection.kind === 'connectionString') {
    return {
      queue: new AzureWorkQueue(QueueServiceClient.fromConnectionString(connection.connectionString)),
      blocks: new AzureBlobBlocks(BlobServiceClient.fromConnectionString(connection.connectionString)),
    };
  }
  const credential = await credentialFor(connection);
  return {
    queue: new AzureWorkQueue(new QueueServiceClient(connection.queueServiceUri, credential)),
    blocks: new AzureBlobBlocks(new BlobServiceClient(connection.blobServiceUri, credential)),
  };
}
