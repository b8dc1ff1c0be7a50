import { createHash } from 'node:crypto';
import { selectAnalyzer } from '../analyzers/selectAnalyzer';
import { completeMedia, type CompleteMediaDeps } from '../completion/completeMedia';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { overridesFromMetadata } from '../completion/overridesFromMetadata';
import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import { blobNameProblem } from '../outputs/blobNameProblem';
import { claimOutput, type OutputClaim } from '../outputs/claimOutput';
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
import type { BlobProperties, BlobStore, StoredBlob } from '../ports/BlobStore';

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
  /**
   * Run-level overrides (CLI, batch), `analyzer` included; the blob's own metadata overrides them. Without an
   * `analyzer` the longest `match` prefix of the blob name picks one, else the default analyzer.
   */
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
 * The blob pipeline, shared by the trigger, the CLI and batch: settled already? → size cap → prepare the request →
 * claim → model → result document (or error document for permanent failures).
 *
 * Storage requests per new item, each one needed (counted in `test/functions/storageRequestsPerItem.test.ts`):
 * - one listing of the two document names: the idempotency check (a redelivery ends here, after one read of the
 *   listed document for the ETag it records);
 * - one Get Blob for the properties and the bytes together, unless the trigger delivered both (a text ETag);
 * - one claim, created with If-None-Match: *, only for inputs that reach the model (a simultaneous delivery of
 *   the same version then pays no second call); an input refused before the call (empty, unsupported, too
 *   large, a bad override) never claims, since the same bytes always fail the same way;
 * - one conditional write of the document.
 * What the removed requests covered: the claim is not deleted after a document is written (it expires; a
 * delivery finding it live while its listing shows no document waits with `in_progress`, and a redelivery's
 * listing finds the document); the error document is not read back and deleted after a result unless a listing
 * showed it, or a takeover of the claim says another writer may have written it since (the poison handler writes
 * only under a claim, then leaves it lapsed: see `recordPoisonBlob`).
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
  // Independent round trips: list the outcome documents while the source is read.
  const listing = listOutcomeNames(blobs, location);
  listing.catch(() => undefined);
  const stored = await readSource(blobs, input, settings.maxBytes);
  if (typeof stored === 'string') {
    await listing.catch(() => undefined);
    return gone(stored);
  }
  if (stored === undefined) {
    await listing.catch(() => undefined);
    logger.warn('Source blob no longer exists', { container: input.container, name: input.name });
    return { status: 'gone', location };
  }
  const { properties } = stored;
  const source = sourceInfo(input.container, input.name, properties);

  let present = await listing;
  let existing = await readOutcome(blobs, location, source.etag, present);
  if (existing.settled !== undefined) {
    if (existing.settled.status === 'succeeded' && mayExist(present, location.errorName)) {
      await deleteErrorDocument(blobs, location, source);
    }
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
  if (refusal !== undefined || stored.content === undefined) {
    return fail(source, refusal ?? tooLarge(properties.size, settings.maxBytes));
  }
  const overrides = { ...input.overrides, ...overridesFromMetadata(properties.metadata) };
  const choice = { requested: overrides.analyzer, blobName: input.name };
  const analyzer = attempt(() => selectAnalyzer(settings.analyzers, choice, 'invalid_override'));
  // An unknown analyzer name in the metadata settles the input before any claim or model call.
  if (analyzer instanceof MediaCompletionsError) return fail(source, analyzer);
  const bytes = stored.content;
  const downloadMs = clock.now() - started;
  const hashed = { ...source, sha256: createHash('sha256').update(bytes).digest('hex') };
  let claim: OutputClaim | undefined;
  let documentWritten = false;
  try {
    const result = await completeMedia(
      deps,
      { media: [{ bytes }], overrides, analyzer },
      {
        // A simultaneous delivery of this version (triggers deliver at least once) stops here: no second call.
        beforeModelCall: async () => {
          claim = await claimOutput(deps, location, source);
          if (claim === undefined) throw new Stop(gone('source_changed'));
          if (!claim.tookOver) return;
          // The claim's previous holder may have written a document after our listing: look again.
          present = await listOutcomeNames(blobs, location);
          existing = await readOutcome(blobs, location, source.etag, present);
          const settled = existing.settled;
          if (settled !== undefined) {
            documentWritten = true;
            logger.info('Outcome recorded by the previous claim holder; skipping', { name: input.name });
            throw new Stop({ status: 'skipped', document: settled, location });
          }
        },
      },
    ).catch(inputFault);
    if (result instanceof MediaCompletionsError) {
      const failed = await fail(hashed, result);
      documentWritten = failed.status === 'failed';
      return failed;
    }

    const now = clock.now();
    const document = resultDocument(hashed, result, { downloadMs, totalMs: now - started, now });
    // Past its expiry the claim may have been taken over by a writer of an error document: check for one.
    const overran = claim !== undefined && now >= claim.expiresAt;
    const written = await recordResult(
      blobs,
      location,
      document,
      existing.result,
      overran || mayExist(present, location.errorName),
    );
    if (written === 'stale') return { status: 'gone', location };
    documentWritten = true;
    logger.info('Result written', {
      name: input.name,
      attempts: result.attempts,
      modelMs: result.modelMs,
      duplicate: written === 'duplicate',
    });
    return { status: 'succeeded', document, location };
  } catch (error) {
    if (error instanceof Stop) return error.outcome;
    throw error;
  } finally {
    // A claim stays once a document exists (it lapses on its own); otherwise the next delivery goes ahead at once.
    const held: OutputClaim | undefined = claim;
    if (held !== undefined && !documentWritten) await held.release();
  }
}

/** Ends the run from inside the model call's preparation hook with this outcome. */
class Stop extends Error {
  constructor(readonly outcome: ProcessBlobOutcome) {
    super(`processBlob stopped: ${outcome.status}`);
  }
}

/** Whether a document may exist: in the listing, or the listing could not tell. */
function mayExist(present: ReadonlySet<string> | undefined, name: string): boolean {
  return present === undefined || present.has(name);
}

/**
 * The source as delivered (properties and bytes from the trigger), or read with one Get Blob (the given
 * version only, with If-Match, when the properties are known). `undefined`: the blob does not exist; a string:
 * the code of a version lost since (deleted or replaced). A name no request can carry is not read: its
 * properties come from a HEAD, for the error document.
 */
async function readSource(
  blobs: BlobStore,
  input: ProcessBlobInput,
  maxBytes: number,
): Promise<StoredBlob | string | undefined> {
  const { container, name, properties } = input;
  if (properties !== undefined && input.content !== undefined) return { properties, content: input.content };
  if (blobNameProblem(name) !== undefined) {
    const found = properties ?? (await blobs.getProperties(container, name));
    return found === undefined ? undefined : { properties: found, content: undefined };
  }
  return blobs
    .readBlob(container, name, {
      maxBytes,
      ...(properties === undefined ? {} : { ifMatch: properties.etag }),
    })
    .catch(sourceGone);
}

/** Why the blob is refused before download (a name no document can have, or too many bytes), if it is. */
function refusalOf(
  name: string,
  properties: BlobProperties,
  maxBytes: number,
): MediaCompletionsError | undefined {
  const nameProblem = blobNameProblem(name);
  if (nameProblem !== undefined) return new MediaCompletionsError('invalid_blob_name', nameProblem);
  if (properties.size > maxBytes) return tooLarge(properties.size, maxBytes);
  return undefined;
}

function tooLarge(size: number, maxBytes: number): MediaCompletionsError {
  return new MediaCompletionsError('too_large', `The blob is ${size} bytes; the limit is ${maxBytes} bytes.`);
}

/** What `run` returns, or the input fault it throws (anything else is rethrown). */
function attempt<T>(run: () => T): T | MediaCompletionsError {
  try {
    return run();
  } catch (error) {
    return inputFault(error);
  }
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
