import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BlobStore } from '../ports/BlobStore';
import type { BatchRecord } from './BatchRecord';
import { batchPaths } from './batchPaths';

const MAX_TRIES = 20;

/** Reads `batches/<id>/batch.json`; `undefined` when there is no such batch. */
export async function readBatchRecord(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
): Promise<BatchRecord | undefined> {
  const found = await blobs.readJson(outputContainer, batchPaths.record(id));
  return found?.value as BatchRecord | undefined;
}

/**
 * Applies `change` with optimistic concurrency (If-Match, re-read on 412). `change` returns the new record, or
 * `undefined` to leave it as is. Returns the record after the change (or as found), `undefined` if missing.
 */
export async function updateBatchRecord(
  blobs: BlobStore,
  outputContainer: string,
  id: string,
  change: (record: BatchRecord) => BatchRecord | undefined,
): Promise<{ record: BatchRecord; changed: boolean } | undefined> {
  const name = batchPaths.record(id);
  for (let tries = 1; tries <= MAX_TRIES; tries++) {
    const found = await blobs.readJson(outputContainer, name);
    if (found === undefined) return undefined;
    const next = change(found.value as BatchRecord);
    if (next === undefined) return { record: found.value as BatchRecord, changed: false };
    const written = await blobs.writeJson(outputContainer, name, next, { ifMatch: found.etag });
    if (written.written) return { record: next, changed: true };
  }
  throw new MediaCompletionsError('write_conflict', `Could not update batch ${id}: it kept changing.`, {
    retryable: true,
  });
}
