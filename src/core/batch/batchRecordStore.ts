import { updateJsonBlob } from '../outputs/updateJsonBlob';
import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import type { BatchRecord } from './BatchRecord';
import type { BatchRecordCache } from './BatchRecordCache';
import { batchPaths } from './batchPaths';

/**
 * Reads `batches/<id>/batch.json` from storage; `undefined` when there is no such batch. With `cache`, the copy
 * read is kept there.
 */
export async function readBatchRecord(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
  cache?: BatchRecordCache,
): Promise<BatchRecord | undefined> {
  const read = (): Promise<JsonBlob | undefined> => blobs.readJson(outputContainer, batchPaths.record(id));
  const found = await (cache === undefined ? read() : cache.readThrough(id, read));
  return found?.value as BatchRecord | undefined;
}

/**
 * The record as this process saw it at most `maxAgeMs` ago (see BatchRecordCache), else read from storage. For
 * what an item needs; a decision that must see the newest state reads it, or writes conditionally.
 */
export async function recentBatchRecord(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
  cache: BatchRecordCache,
): Promise<BatchRecord | undefined> {
  return cache.recent(id)?.record ?? readBatchRecord(blobs, outputContainer, id, cache);
}

/**
 * Applies `change` with optimistic concurrency (If-Match, re-read on 412). `change` returns the new record, or
 * `undefined` to leave it as is. Returns the record after the change (or as found), `undefined` if missing.
 * With `cache`, the first try is conditional on the copy there (no read when it is current), a copy that
 * `change` leaves as is is read again to be sure, and the record written is kept.
 */
export async function updateBatchRecord(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
  change: (record: BatchRecord) => BatchRecord | undefined,
  cache?: BatchRecordCache,
): Promise<{ record: BatchRecord; changed: boolean } | undefined> {
  const cached = cache?.latest(id);
  if (cached !== undefined) {
    const fromCopy = await update(blobs, outputContainer, id, change, cache, cached);
    if (fromCopy !== 'unchanged copy') return fromCopy;
  }
  const updated = await update(blobs, outputContainer, id, change, cache, undefined);
  return updated === 'unchanged copy' ? undefined : updated;
}

async function update(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
  change: (record: BatchRecord) => BatchRecord | undefined,
  cache: BatchRecordCache | undefined,
  copy: { record: BatchRecord; etag: string } | undefined,
): Promise<{ record: BatchRecord; changed: boolean } | undefined | 'unchanged copy'> {
  return updateJsonBlob<{ record: BatchRecord; changed: boolean } | undefined | 'unchanged copy'>(
    blobs,
    outputContainer,
    batchPaths.record(id),
    (found, attempt) => {
      if (found === undefined) return { done: undefined };
      const next = change(found.value as BatchRecord);
      if (next === undefined) {
        // Only storage's answer may say there is nothing to do: the copy may be older than the record.
        if (copy !== undefined && attempt === 1) return { done: 'unchanged copy' };
        return { done: { record: found.value as BatchRecord, changed: false } };
      }
      return {
        write: next,
        written: (etag) => {
          cache?.remember(id, { record: next, etag });
          return { record: next, changed: true };
        },
      };
    },
    {
      ...(copy === undefined ? {} : { start: { value: copy.record, etag: copy.etag } }),
      // The record is shared by every planner page, the finalizer and cancel requests of one batch; they
      // change different fields and rarely conflict twice, but a burst of page completions can, so allow more
      // tries than a single document's writers get.
      maxTries: 20,
      conflictMessage: `Could not update batch ${id}: it kept changing.`,
    },
  );
}
