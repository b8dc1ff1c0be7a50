import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import { documentBelongsTo } from './documentBelongsTo';
import type { ErrorDocument } from './documents';
import type { OutputLocation } from './OutputLocation';
import { writeOutcomeDocument, type WriteOutcome } from './writeOutcomeDocument';

/**
 * Writes the error document, then deletes `staleResult` (the result document as read, of an older version of
 * this input; never another input's, and only that version): one document per input. Nothing is deleted when
 * the write was `stale`.
 */
export async function recordFailure(
  blobs: BlobStore,
  location: OutputLocation,
  document: ErrorDocument,
  staleResult: JsonBlob | undefined,
): Promise<WriteOutcome> {
  const written = await writeOutcomeDocument(blobs, location.container, location.errorName, document);
  if (written === 'stale') return written;
  if (staleResult !== undefined && documentBelongsTo(staleResult.value, document.source)) {
    await blobs.deleteIfExists(location.container, location.resultName, { ifMatch: staleResult.etag });
  }
  return written;
}
