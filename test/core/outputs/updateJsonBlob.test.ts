import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../../../src/adapters/AzureBlobStore';
import { updateJsonBlob, type UpdateStep } from '../../../src/core/outputs/updateJsonBlob';
import type { JsonBlob } from '../../../src/core/ports/BlobStore';
import { testConnectionString, uniqueName } from '../../support/storage';

const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
const container = uniqueName('update');

beforeAll(async () => {
  await blobs.createContainerIfNotExists(container);
});

const valueOf = (found: JsonBlob | undefined): number => (typeof found?.value === 'number' ? found.value : 0);

/** Adds one to the number in the blob (creating it at 1); the result is the number written. */
const increment = (found: JsonBlob | undefined): UpdateStep<number> => {
  const next = valueOf(found) + 1;
  return { write: next, written: () => next };
};

describe('updateJsonBlob', () => {
  it('creates the blob when there is none, then replaces exactly the version it read', async () => {
    const name = 'counter.json';
    expect(
      await updateJsonBlob(blobs, container, name, increment, { maxTries: 3, conflictMessage: 'x' }),
    ).toBe(1);
    expect(
      await updateJsonBlob(blobs, container, name, increment, { maxTries: 3, conflictMessage: 'x' }),
    ).toBe(2);
    expect((await blobs.readJson(container, name))?.value).toBe(2);
  });

  it('loses no update among concurrent writers: a lost condition re-reads and decides again', async () => {
    const name = 'contended.json';
    const writers = 8;
    await Promise.all(
      Array.from({ length: writers }, () =>
        updateJsonBlob(blobs, container, name, increment, { maxTries: 50, conflictMessage: 'x' }),
      ),
    );
    expect((await blobs.readJson(container, name))?.value).toBe(writers);
  });

  it('writes nothing when the decision is done', async () => {
    const name = 'untouched.json';
    const result = await updateJsonBlob(blobs, container, name, () => ({ done: 'left' }), {
      maxTries: 3,
      conflictMessage: 'x',
    });
    expect(result).toBe('left');
    expect(await blobs.readJson(container, name)).toBeUndefined();
  });

  it("starts from the caller's version without reading, and from `absent` by creating", async () => {
    const name = 'started.json';
    const seen: (number | undefined)[] = [];
    const record = (found: JsonBlob | undefined, attempt: number): UpdateStep<number> => {
      seen.push(found === undefined ? undefined : valueOf(found));
      return attempt === 1 ? increment(found) : { done: -attempt };
    };
    // `absent` tries If-None-Match: * first; the blob is new, so that wins at once.
    expect(
      await updateJsonBlob(blobs, container, name, record, {
        start: 'absent',
        maxTries: 3,
        conflictMessage: 'x',
      }),
    ).toBe(1);
    // `absent` again: the create loses, the second decision sees the stored 1.
    expect(
      await updateJsonBlob(blobs, container, name, record, {
        start: 'absent',
        maxTries: 3,
        conflictMessage: 'x',
      }),
    ).toBe(-2);
    const current = await blobs.readJson(container, name);
    if (current === undefined) throw new Error('missing');
    expect(
      await updateJsonBlob(blobs, container, name, increment, {
        start: current,
        maxTries: 3,
        conflictMessage: 'x',
      }),
    ).toBe(2);
    expect(seen).toEqual([undefined, undefined, 1]);
  });

  it('gives up after maxTries lost writes with a retryable write_conflict naming what kept changing', async () => {
    const name = 'moving.json';
    await blobs.writeJson(container, name, 0, undefined);
    let decisions = 0;
    // Another writer changes the blob between every read and write.
    const racing = async (found: JsonBlob | undefined): Promise<UpdateStep<number>> => {
      decisions++;
      await blobs.writeJson(container, name, valueOf(found) + 100, undefined);
      return increment(found);
    };
    await expect(
      updateJsonBlob(blobs, container, name, racing, {
        maxTries: 4,
        conflictMessage: 'moving.json kept changing.',
      }),
    ).rejects.toMatchObject({
      code: 'write_conflict',
      retryable: true,
      message: 'moving.json kept changing.',
    });
    expect(decisions).toBe(4);
  });
});
