import type { StorageConnection } from '../config';
import type { BlobStore } from '../core/ports/BlobStore';
import { credentialFor } from './credentialFor';

/** A BlobStore for either connection form (identity: `credentialFor`); the SDKs load on first use. */
export async function createBlobStore(connection: StorageConnection): Promise<BlobStore> {
  const [{ BlobServiceClient }, { AzureBlobStore }] = await Promise.all([
    import('@azure/storage-blob'),
    import('./AzureBlobStore'),
  ]);
  if (connection.kind === 'connectionString') {
    return new AzureBlobStore(BlobServiceClient.fromConnectionString(connection.connectionString));
  }
  return new AzureBlobStore(
    new BlobServiceClient(connection.blobServiceUri, await credentialFor(connection)),
  );
}
