import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BlobStore, JsonBlob } from '../ports/BlobStore';

/**
 * What to do with the blob as found: write `write` (then `written(etag)` is the result), or leave it and return
 * `done`. `decide` may also throw (e.g. InProgressError) to stop.
 */
export type UpdateStep<R> =
  { write: unknown; metadata?: Record<string, string>; written: (etag: string) => R } | { done: R };

export interface UpdateJsonBlobOptions {
  /**
   * What the blob holds before the first decision: a version the caller has already read, `absent` to try
   * creating it without reading first (one request fewer when it usually does not exist), or omitted to read.
   */
  start?: JsonBlob | 'absent';
  /** Writes at most, before giving up with a retryable `write_conflict`; each caller explains its figure. */
  maxTries: number;
  /** The `write_conflict` message, naming what kept changing. */
  conflictMessage: string;
}

/**
 * Optimistic update of one JSON blob: read → decide → conditional write (If-None-Match: * when there was none,
 * If-Match on the version read otherwise) → on a lost condition (412/409) re-read and decide again.
 * `decide` gets the blob as found (`undefined`: none) and the attempt number (1-based; above 1 means another
 * writer changed it since the previous decision).
 *
 * @throws MediaCompletionsError `write_conflict` (retryable) after `maxTries` lost writes; whatever `decide`
 *   or the store throws.
 */
export async function updateJsonBlob<R>(
  blobs: BlobStore,
  container: string,
  name: string,
  decide: (current: JsonBlob | undefined, attempt: number) => UpdateStep<R> | Promise<UpdateStep<R>>,
  options: UpdateJsonBlobOptions,
): Promise<R> {
  let current: JsonBlob | undefined =
    options.start === 'absent' ? undefined : (options.start ?? (await blobs.readJson(container, name)));
  for (let attempt = 1; attempt <= options.maxTries; attempt++) {
    const step = await decide(current, attempt);
    if ('done' in step) return step.done;
    const result = await blobs.writeJson(
      container,
      name,
      step.write,
      current === undefined ? { ifNoneMatch: '*' } : { ifMatch: current.etag },
      step.metadata === undefined ? undefined : { metadata: step.metadata },
    );
    if (result.written) return step.written(result.etag);
    if (attempt < options.maxTries) current = await blobs.readJson(container, name);
  }
  throw new MediaCompletionsError('write_conflict', options.conflictMessage, { retryable: true });
}
