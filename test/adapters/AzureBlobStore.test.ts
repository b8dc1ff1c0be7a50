import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { testConnectionString, uniqueName } from '../support/storage';

describe('AzureBlobStore (Azurite)', () => {
  const store = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
  let container: string;

  beforeEach(async () => {
    container = uniqueName('store');
    await store.createContainerIfNotExists(container);
  });

  it('uploads, reads properties with metadata, and downloads', async () => {
    const data = new Uint8Array([1, 2, 3]);
    const { etag } = await store.upload(container, 'dir/a b.bin', data, {
      contentType: 'image/png',
      metadata: { prompt: 'hello' },
    });
    expect(await store.getProperties(container, 'dir/a b.bin')).toEqual({
      etag,
      contentType: 'image/png',
      size: 3,
      metadata: { prompt: 'hello' },
    });
    expect(Array.from(await store.download(container, 'dir/a b.bin', { ifMatch: etag }))).toEqual([1, 2, 3]);
    expect(await store.getProperties(container, 'missing')).toBeUndefined();
  });

  it('reports a replaced or deleted source as source_changed / source_not_found', async () => {
    const { etag } = await store.upload(container, 'x', new Uint8Array([1]));
    await store.upload(container, 'x', new Uint8Array([2]));
    await expect(store.download(container, 'x', { ifMatch: etag })).rejects.toMatchObject({
      code: 'source_changed',
    });
    await expect(store.download(container, 'nope')).rejects.toMatchObject({ code: 'source_not_found' });
  });

  it('reads properties and content in one request, leaving the content of a blob over maxBytes unread', async () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const { etag } = await store.upload(container, 'r.bin', data, {
      contentType: 'audio/wav',
      metadata: { detail: 'low' },
    });
    const properties = { etag, contentType: 'audio/wav', size: 5, metadata: { detail: 'low' } };
    const read = await store.readBlob(container, 'r.bin', { ifMatch: etag, maxBytes: 5 });
    expect(read?.properties).toEqual(properties);
    expect(Array.from(read?.content ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(await store.readBlob(container, 'r.bin', { maxBytes: 4 })).toEqual({
      properties,
      content: undefined,
    });
    // The store still answers after a read whose body was dropped.
    expect((await store.readBlob(container, 'r.bin'))?.content).toHaveLength(5);
    expect(await store.readBlob(container, 'missing.bin')).toBeUndefined();
    await store.upload(container, 'r.bin', new Uint8Array([9]));
    await expect(store.readBlob(container, 'r.bin', { ifMatch: etag })).rejects.toMatchObject({
      code: 'source_changed',
    });
  });

  it('writes JSON create-only and replace-if-match, and says when a condition lost', async () => {
    const first = await store.writeJson(container, 'doc.json', { v: 1 }, { ifNoneMatch: '*' });
    expect(first.written).toBe(true);
    expect(await store.writeJson(container, 'doc.json', { v: 2 }, { ifNoneMatch: '*' })).toEqual({
      written: false,
    });
    const read = await store.readJson(container, 'doc.json');
    expect(read?.value).toEqual({ v: 1 });
    if (!first.written || read === undefined) throw new Error('unreachable');
    expect(read.etag).toBe(first.etag);
    const second = await store.writeJson(container, 'doc.json', { v: 3 }, { ifMatch: read.etag });
    expect(second.written).toBe(true);
    expect(await store.writeJson(container, 'doc.json', { v: 4 }, { ifMatch: read.etag })).toEqual({
      written: false,
    });
    expect((await store.readJson(container, 'doc.json'))?.value).toEqual({ v: 3 });
    expect(await store.readJson(container, 'none.json')).toBeUndefined();
  });

  it('lets exactly one of many concurrent create-only writes win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.writeJson(container, 'race.json', { i }, { ifNoneMatch: '*' }),
      ),
    );
    expect(results.filter((result) => result.written)).toHaveLength(1);
  });

  it('deletes only the version named by ifMatch', async () => {
    const { etag } = await store.upload(container, 'd', new Uint8Array([1]));
    await store.upload(container, 'd', new Uint8Array([2]));
    expect(await store.deleteIfExists(container, 'd', { ifMatch: etag })).toBe(false);
    expect(await store.deleteIfExists(container, 'd')).toBe(true);
    expect(await store.deleteIfExists(container, 'd')).toBe(false);
  });

  it('lists page by page with a continuation token and a prefix', async () => {
    for (const name of ['p/1', 'p/2', 'p/3', 'q/1']) await store.upload(container, name, new Uint8Array([1]));
    const first = await store.listPage(container, { prefix: 'p/', pageSize: 2 });
    expect(first.items.map((item) => item.name)).toEqual(['p/1', 'p/2']);
    expect(first.continuationToken).toBeDefined();
    const second = await store.listPage(container, {
      prefix: 'p/',
      pageSize: 2,
      ...(first.continuationToken === undefined ? {} : { continuationToken: first.continuationToken }),
    });
    expect(second.items.map((item) => item.name)).toEqual(['p/3']);
    expect(second.continuationToken).toBeUndefined();
  });

  it('rejects non-JSON documents with invalid_document', async () => {
    await store.upload(container, 'bad.json', Buffer.from('not json'));
    await expect(store.readJson(container, 'bad.json')).rejects.toMatchObject({ code: 'invalid_document' });
  });
});
