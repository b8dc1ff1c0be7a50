import type { StorageConnection } from '../config';
import type { BlobStore } from '../core/ports/BlobStore';

/** A BlobStore for either connection form; the SDKs load on first use, not at module load. */
export async function createBlobStore(connection: StorageConnection): Promise<BlobStore> {
  const [{ BlobServiceClient }, { AzureBlobStore }] = await Promise.all([
    import('@azure/storage-blob'),
    import('./AzureBlobStore'),
  ]);
  if (connection.kind === 'connectionString') {
    return new AzureBlobStore(BlobServiceClient.fromConnectionString(connection.connectionString));
  }
  const identity = await import('@azure/identity');
  const credential =
    connection.credential === 'managedidentity'
      ? new identity.ManagedIdentityCredential(
          connection.clientId === undefined ? {} : { clientId: connection.clientId },
        )
      : new identity.DefaultAzureCredential(
          connection.clientId === undefined ? {} : { managedIdentityClientId: connection.clientId },
        );
  return new AzureBlobStore(new BlobServiceClient(connection.blobServiceUri, credential));
}
