import type { BlobServiceClient } from '@azure/storage-blob';
import type { StorageConnection } from '../config';
import { credentialFor } from './credentialFor';

/**
 * The process's one Blob service client, for either connection form (identity: `credentialFor`): the blob store
 * and batch's block access share it, so one HTTP pipeline (one connection pool, one credential and its token
 * cache) serves every blob request. The SDK loads on first use.
 */
export async function createBlobServiceClient(connection: StorageConnection): Promise<BlobServiceClient> {
  const { BlobServiceClient: Client } = await import('@azure/storage-blob');
  if (connection.kind === 'connectionString') return Client.fromConnectionString(connection.connectionString);
  return new Client(connection.blobServiceUri, await credentialFor(connection));
}
