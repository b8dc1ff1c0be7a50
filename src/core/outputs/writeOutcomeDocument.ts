import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { OutcomeDocument } from './documents';
import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import { isRecord } from '../json/isRecord';
import { documentBelongsTo } from './documentBelongsTo';
import { sourceEtagOf } from './sourceEtagOf';
import { updateJsonBlob } from './updateJsonBlob';

/**
 * - `written`: this call wrote the document;
 * - `duplicate`: a document for the same source ETag was already there (a concurrent delivery won);
 * - `stale`: the existing document is for another ETag and the source has moved on from ours.
 */
export type WriteOutcome = 'written' | 'duplicate' | 'stale';

/**
 * Writes an outcome document so that concurrent writers cannot clobber each other: create-only when there is
 * none, otherwise replace exactly the version read (If-Match). A document of another source version is only
 * replaced while ours is still the blob's current version, so a slow run of an old version cannot overwrite the
 * result of a newer one. A document of another input (another `source.container`/`source.name`) is never
 * replaced: that is a permanent `write_conflict`. `known` is the document as the caller read it; without it the
 * write starts create-only.
 */
export async function writeOutcomeDocument(
  blobs: BlobStore,
  container: string,
  name: string,
  document: OutcomeDocument,
  known?: JsonBlob,
): Promise<WriteOutcome> {
  return updateJsonBlob<WriteOutcome>(
    blobs,
    container,
    name,
    async (current) => {
      if (current !== undefined) {
        if (!documentBelongsTo(current.value, document.source)) {
          throw new MediaCompletionsError(
            'write_conflict',
            `Could not write ${container}/${name}: it holds another input's document.`,
          );
        }
        if (sourceEtagOf(current.value) === document.source.etag) {
          // The poison handler's retryable error yields to a permanent one for the same version (a delivery that
          // took over its lapsed claim); anything else for this version is the same outcome written by another.
          if (!isRetryableError(current.value) || isRetryableError(document)) return { done: 'duplicate' };
        } else {
          const source = await blobs.getProperties(document.source.container, document.source.name);
          if (source?.etag !== document.source.etag) return { done: 'stale' };
        }
      }
      return { write: document, written: () => 'written' };
    },
    {
      // Without a known version the document is usually absent (a first outcome): try creating it at once, and
      // read only when that loses (409): a read that answers 404 first would be one more request per item.
      start: known ?? 'absent',
      // Two deliveries of different versions racing is rare; three lost writes in a row means something is
      // looping, and the caller's retry (the host's redelivery) is the better place to wait.
      maxTries: 3,
      conflictMessage: `Could not write ${container}/${name}: it kept changing under concurrent writers.`,
    },
  );
}

function isRetryableError(document: unknown): boolean {
  return isRecord(document) && isRecord(document.error) && document.error.retryable === true;
}
