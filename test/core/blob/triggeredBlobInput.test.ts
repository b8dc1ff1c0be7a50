import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../../../src/adapters/AzureBlobStore';
import { triggeredBlobInput } from '../../../src/core/blob/triggeredBlobInput';
import { testConnectionString, uniqueName } from '../../support/storage';

describe('triggeredBlobInput (Azurite)', () => {
  const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
  const container = uniqueName('delivered');
  const bytes = new Uint8Array([1, 2, 3, 4]);
  let etag: string;

  beforeAll(async () => {
    await blobs.createContainerIfNotExists(container);
    ({ etag } = await blobs.upload(container, 'a.bin', bytes));
  });

  it('reuses the delivered bytes when they are provably the version just read', async () => {
    const input = await triggeredBlobInput(blobs, { container, name: 'a.bin', content: bytes, etag });
    expect(input.content).toBe(bytes);
    expect(input.properties?.etag).toBe(etag);
  });

  it('leaves the download to processBlob for another ETag, another length or no bytes', async () => {
    for (const delivery of [
      { content: bytes, etag: '"0x0"' },
      { content: bytes.subarray(1), etag },
      { content: undefined, etag },
      { content: bytes, etag: undefined },
    ]) {
      const input = await triggeredBlobInput(blobs, { container, name: 'a.bin', ...delivery });
      expect(input.content).toBeUndefined();
      expect(input.properties?.etag).toBe(etag);
    }
  });

  it('gives no properties for a blob that is gone', async () => {
    expect(await triggeredBlobInput(blobs, { container, name: 'gone.bin', content: bytes, etag })).toEqual({
      container,
      name: 'gone.bin',
    });
  });
});
