import type { BlobStore, JsonBlob } from '../ports/BlobStore';
import type { ErrorDocument, OutcomeDocument, ResultDocument } from './documents';
import type { OutputLocation } from './OutputLocation';
import { sourceEtagOf } from './sourceEtagOf';

/** The idempotency read of one input's outcome documents. */
export interface ExistingOutcome {
  /** An outcome for the current source ETag that makes this run unnecessary. */
  settled: OutcomeDocument | undefined;
  /** The result document as read (of any version), for a conditional replace or delete. */
  result: JsonBlob | undefined;
}

/**
 * A result for this ETag, or a permanent error for it, settles the blob. A retryable error document (the poison
 * handler's `retries_exhausted`, which may stand for a configuration fault that is fixed since) does not: a
 * later delivery or run may succeed.
 *
 * @param present The names that exist, from {@link listOutcomeNames}: a document not in it is not read (no 404
 *   round trip); `undefined` reads both.
 */
export async function readOutcome(
  blobs: BlobStore,
  location: OutputLocation,
  etag: string,
  present: ReadonlySet<string> | undefined,
): Promise<ExistingOutcome> {
  const read = (name: string): Promise<JsonBlob | undefined> =>
    present === undefined || present.has(name)
      ? blobs.readJson(location.container, name)
      : Promise.resolve(undefined);
  const result = await read(location.resultName);
  if (result !== undefined && sourceEtagOf(result.value) === etag) {
    return { settled: result.value as ResultDocument, result };
  }
  const error = await read(location.errorName);
  if (error !== undefined && sourceEtagOf(error.value) === etag) {
    const document = error.value as ErrorDocument;
    if (!document.error.retryable) return { settled: document, result };
  }
  return { settled: undefined, result };
}
