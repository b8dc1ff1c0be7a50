import { triggeredBlobInput, type BlobDelivery } from '../../../src/core/blob/triggeredBlobInput';

describe('triggeredBlobInput', () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const delivery: BlobDelivery = {
    container: 'in',
    name: 'a.bin',
    content: bytes,
    etag: '"0x1"',
    length: 4,
    contentType: 'image/png',
    metadata: { prompt: 'Describe.' },
  };

  it('uses the delivered bytes as the version the delivery describes, without reading storage', () => {
    expect(triggeredBlobInput(delivery)).toEqual({
      container: 'in',
      name: 'a.bin',
      properties: { etag: '"0x1"', contentType: 'image/png', size: 4, metadata: { prompt: 'Describe.' } },
      content: bytes,
    });
  });

  it('leaves the read to processBlob without a text ETag, a matching length, the metadata or bytes', () => {
    for (const partial of [
      { etag: undefined },
      { length: undefined },
      { length: 3 },
      { metadata: undefined },
      { content: undefined },
      { content: 'text' },
    ]) {
      expect(triggeredBlobInput({ ...delivery, ...partial })).toEqual({ container: 'in', name: 'a.bin' });
    }
  });
});
