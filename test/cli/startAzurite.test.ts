import { BlobServiceClient } from '@azure/storage-blob';
import { testConnectionString, uniqueName } from '../support/storage';

describe('startAzurite', () => {
  it('accepts current SDK requests', async () => {
    const service = BlobServiceClient.fromConnectionString(testConnectionString());
    const container = service.getContainerClient(uniqueName('smoke'));
    await container.create();
    await container.getBlockBlobClient('a.txt').upload('hi', 2);
    const blobs: string[] = [];
    for await (const blob of container.listBlobsFlat()) blobs.push(blob.name);
    expect(blobs).toEqual(['a.txt']);
  });
});
