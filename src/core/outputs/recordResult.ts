import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import { deleteErrorDocument } from './deleteErrorDocument';
import type { ResultDocument } from './documents';
import type { OutputLocation } from './OutputLocation';
import { writeOutcomeDocument, type WriteOutcome } from './writeOutcomeDocument';

/**
 * Writes the result document (replacing `existing`, the result as read, without reading it again), then deletes
 * the input's error document: one document per input. Nothing is deleted when the write was `stale`.
 */
export async function recordResult(
  blobs: BlobStore,
  location: OutputLocation,
  document: ResultDocument,
  existing: JsonBlob | undefined,
): Promise<WriteOutcome> {
  const written = await writeOutcomeDocument(
    blobs,
    location.container,
    location.resultName,
    document,
    existing,
  );
  if (written !== 'stale') await deleteErrorDocument(blobs, location, document.source);
  return written;
}
