import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import { deleteErrorDocument } from './deleteErrorDocument';
import type { ResultDocument } from './documents';
import type { OutputLocation } from './OutputLocation';
import { writeOutcomeDocument, type WriteOutcome } from './writeOutcomeDocument';

/**
 * Writes the result document (replacing `existing`, the result as read, without reading it again), then, when
 * `errorMayExist`, deletes the input's error document: one document per input. The caller passes `false` only
 * when its listing showed no error document and nothing can have written one since (a writer other than the
 * pipeline holds the claim while it writes, see `claimOutput`): reading a document known to be absent would be
 * one more request per item for nothing. Nothing is deleted when the write was `stale`.
 */
export async function recordResult(
  blobs: BlobStore,
  location: OutputLocation,
  document: ResultDocument,
  existing: JsonBlob | undefined,
  errorMayExist: boolean,
): Promise<WriteOutcome> {
  const written = await writeOutcomeDocument(
    blobs,
    location.container,
    location.resultName,
    document,
    existing,
  );
  if (written !== 'stale' && errorMayExist) await deleteErrorDocument(blobs, location, document.source);
  return written;
}
