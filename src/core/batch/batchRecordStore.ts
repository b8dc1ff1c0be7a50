import { updateJsonBlob } from '../outputs/updateJsonBlob';
import type { BlobStore } from '../ports/BlobStore';
import type { BatchRecord } from './BatchRecord';
import { batchPaths } from './batchPaths';

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
  return updateJsonBlob<{ record: BatchRecord; changed: boolean } | undefined>(
    blobs,
    outputContainer,
    batchPaths.record(id),
    (found) => {
      if (found === undefined) return { done: undefined };
      const next = change(found.value as BatchRecord);
      if (next === undefined) return { done: { record: found.value as BatchRecord, changed: false } };
      return { write: next, written: () => ({ record: next, changed: true }) };
    },
    {
      // The record is shared by every planner page, the finalizer and cancel requests of one batch; they
      // change different fields and rarely conflict twice, but a burst of page completions can, so allow more
      // tries than a single document's writers get.
      maxTries: 20,
      conflictMessage: `Could not update batch ${id}: it kept changing.`,
    },
  );
}
