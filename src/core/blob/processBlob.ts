import { createHash } from 'node:crypto';
import { completeMedia, type CompleteMediaDeps } from '../completion/completeMedia';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { overridesFromMetadata } from '../completion/overridesFromMetadata';
import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import { blobNameProblem } from '../outputs/blobNameProblem';
import { claimOutput } from '../outputs/claimOutput';
import { deleteErrorDocument } from '../outputs/deleteErrorDocument';
import type { ErrorDocument, OutcomeDocument, ResultDocument, SourceInfo } from '../outputs/documents';
import { errorDocument } from '../outputs/errorDocument';
import { listOutcomeNames } from '../outputs/listOutcomeNames';
import { defaultOutputLocation, type OutputLocation } from '../outputs/OutputLocation';
import { readOutcome } from '../outputs/readOutcome';
import { recordFailure } from '../outputs/recordFailure';
import { recordResult } from '../outputs/recordResult';
import { resultDocument } from '../outputs/resultDocument';
import { sourceInfo } from '../outputs/sourceInfo';
import type { BlobProperties, BlobStore } from '../ports/BlobStore';

export interface PipelineDeps extends CompleteMediaDeps {
  blobs: BlobStore;
}

export interface ProcessBlobInput {
  container: string;
  name: string;
  /** The blob's properties when the trigger supplied them; otherwise they are read from storage. */
  properties?: BlobProperties;
  /** The content when the trigger already delivered it (it must be the version `properties` describe). */
  content?: Uint8Array;
  /** Default: `<output container>/<name>.json` and `<name>.error.json`. */
  output?: OutputLocation;
  /** Run-level overrides (CLI, batch); the blob's own metadata overrides them. */
  overrides?: CompletionOverrides;
}

/**
 * - `succeeded` / `failed`: this run wrote the result or error document (or a concurrent run wrote the same);
 * - `skipped`: an outcome for this source ETag already existed, nothing was called;
 * - `gone`: the blob was deleted or replaced while we worked; its new version gets its own run.
 */
export type ProcessBlobOutcome =
  | { status: 'succeeded'; document: ResultDocument; location: OutputLocation }
  | { status: 'failed'; document: ErrorDocument; location: OutputLocation }
  | { status: 'skipped'; document: OutcomeDocument; location: OutputLocation }
  | { status: 'gone'; location: OutputLocation };

/**
 * The blob pipeline, shared by the trigger, the CLI and batch: properties → settled already? → size cap →
 * claim → download → `completeMedia` → result document (or error document for permanent failures) → release.
 *
 * @throws MediaCompletionsError with `retryable: true` when transient failures outlast the retry budget, or at
 *   once for a configuration fault (`errorClass: 'configuration'`): no document is written, and the caller
 *   should let the host retry. InProgressError (`in_progress`, retryable)
 *   when another delivery holds a live claim for the same source ETag: no model call was made.
 */
export async function processBlob(deps: PipelineDeps, input: ProcessBlobInput): Promise<ProcessBlobOutcome> {
  const { blobs, clock, logger, settings } = deps;
  const started = clock.now();
  const location = input.output ?? defaultOutputLocation(settings.outputContainer, input.name);
  const gone = (code: string): ProcessBlobOutcome => {
    logger.warn('Source blob changed during processing', { name: input.name, code });
    return { status: 'gone', location };
  };
  // Independent round trips: list the outcome documents while the properties are read.
  const listing = listOutcomeNames(blobs, location);
  listing.catch(() => undefined);
  const properties = input.properties ?? (await blobs.getProperties(input.container, input.name));
  if (properties === undefined) {
    logger.warn('Source blob no longer exists', { container: input.container, name: input.name });
    return { status: 'gone', location };
  }
  const source = sourceInfo(input.container, input.name, properties);

  const existing = await readOutcome(blobs, location, source.etag, await listing);
  if (existing.settled !== undefined) {
    if (existing.settled.status === 'succeeded') await deleteErrorDocument(blobs, location, source);
    logger.info('Outcome already recorded; skipping', { name: input.name, status: existing.settled.status });
    return { status: 'skipped', document: existing.settled, location };
  }
  const fail = async (
    failedSource: SourceInfo,
    error: MediaCompletionsError,
  ): Promise<ProcessBlobOutcome> => {
    const document = errorDocument(failedSource, error, clock.now());
    if ((await recordFailure(blobs, location, document, existing.result)) === 'stale') {
      return { status: 'gone', location };
    }
    logger.warn('Error document written', { name: input.name, code: error.code });
    return { status: 'failed', document, location };
  };

  const refusal = refusalOf(input.name, properties, settings.maxBytes);
  if (refusal !== undefined) return fail(source, refusal);
  // The download does not depend on the claim, so both run at once; a refused claim drops the bytes.
  const download =
    input.content === undefined
      ? blobs.download(input.container, input.name, { ifMatch: properties.etag })
      : Promise.resolve(input.content);
  download.catch(() => undefined);
  // A simultaneous delivery of this version (triggers deliver at least once) stops here: no second call.
  const claim = await claimOutput(deps, location, source);
  if (claim === undefined) return gone('source_changed');
  try {
    const bytes = await download.catch(sourceGone);
    if (typeof bytes === 'string') return gone(bytes);
    const downloadMs = clock.now() - started;
    const hashed = { ...source, sha256: createHash('sha256').update(bytes).digest('hex') };

    const result = await completeMedia(deps, {
      media: [{ bytes }],
      overrides: { ...input.overrides, ...overridesFromMetadata(properties.metadata) },
    }).catch(inputFault);
    if (result instanceof MediaCompletionsError) return await fail(hashed, result);

    const now = clock.now();
    const document = resultDocument(hashed, result, { downloadMs, totalMs: now - started, now });
    const written = await recordResult(blobs, location, document, existing.result);
    if (written === 'stale') return { status: 'gone', location };
    logger.info('Result written', {
      name: input.name,
      attempts: result.attempts,
      modelMs: result.modelMs,
      duplicate: written === 'duplicate',
    });
    return { status: 'succeeded', document, location };
  } finally {
    await claim.release();
  }
}

/** Why the blob is refused before download (a name no document can have, or too many bytes), if it is. */
function refusalOf(
  name: string,
  properties: BlobProperties,
  maxBytes: number,
): MediaCompletionsError | undefined {
  const nameProblem = blobNameProblem(name);
  if (nameProblem !== undefined) return new MediaCompletionsError('invalid_blob_name', nameProblem);
  if (properties.size > maxBytes) {
    return new MediaCompletionsError(
      'too_large',
      `The blob is ${properties.size} bytes; the limit is ${maxBytes} bytes.`,
    );
  }
  return undefined;
}

/** A download that lost its version (deleted or replaced since): its code; any other failure is rethrown. */
function sourceGone(error: unknown): string {
  if (
    isMediaCompletionsError(error) &&
    (error.code === 'source_changed' || error.code === 'source_not_found')
  ) {
    return error.code;
  }
  throw error;
}

/**
 * Only input faults are recorded (returned here). A configuration fault (a refused credential, a missing
 * deployment, ...) says nothing about this input: it is retryable and rethrown with no document at all, so the
 * idempotency check finds nothing next time and a run after the fix processes the input. A retryable error
 * document would do the same for the check, but would leave a misleading "failed" beside every input for what
 * is one setting, and would have to be deleted again on success.
 */
function inputFault(error: unknown): MediaCompletionsError {
  if (isMediaCompletionsError(error) && !error.retryable) return error;
  throw error;
}
