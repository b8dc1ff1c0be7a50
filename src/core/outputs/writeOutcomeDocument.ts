import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { OutcomeDocument } from './documents';
import type { BlobStore, JsonBlob } from '../ports/BlobStore';
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
 * replaced: that is a permanent `write_conflict`.
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
        if (sourceEtagOf(current.value) === document.source.etag) return { done: 'duplicate' };
        const source = await blobs.getProperties(document.source.container, document.source.name);
        if (source?.etag !== document.source.etag) return { done: 'stale' };
      }
      return { write: document, written: () => 'written' };
    },
    {
      ...(known === undefined ? {} : { start: known }),
      // Two deliveries of different versions racing is rare; three lost writes in a row means something is
      // looping, and the caller's retry (the host's redelivery) is the better place to wait.
      maxTries: 3,
      conflictMessage: `Could not write ${container}/${name}: it kept changing under concurrent writers.`,
    },
  );
}
