import { createHash } from 'node:crypto';
import { complete, type CompleteDeps } from '../completion/complete';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import type { ErrorDocument, OutcomeDocument, ResultDocument, SourceInfo } from '../outputs/documents';
import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import { blobNameProblem } from '../outputs/blobNameProblem';
import { claimOutput } from '../outputs/claimOutput';
import { documentBelongsTo } from '../outputs/documentBelongsTo';
import { defaultOutputLocation, type OutputLocation } from '../outputs/OutputLocation';
import { errorDocument } from '../outputs/errorDocument';
import { resultDocument } from '../outputs/resultDocument';
import { sourceInfo } from '../outputs/sourceInfo';
import { sourceEtagOf } from '../outputs/sourceEtagOf';
import { writeOutcomeDocument } from '../outputs/writeOutcomeDocument';
import { overridesFromMetadata } from '../completion/overridesFromMetadata';
import type { BlobProperties, BlobStore, JsonBlob } from '../ports/BlobStore';

export interface PipelineDeps extends CompleteDeps {
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
 * The blob pipeline, shared by the trigger, the CLI and batch: properties → idempotency check → size cap →
 * claim → download → `complete` → result document (or error document for permanent failures) → release.
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
  // Independent round trips: list the outcome documents while the properties are read.
  const listing = listOutcomeNames(blobs, location);
  listing.catch(() => undefined);
  const properties = input.properties ?? (await blobs.getProperties(input.container, input.name));
  if (properties === undefined) {
    logger.warn('Source blob no longer exists', { container: input.container, name: input.name });
    return { status: 'gone', location };
  }
  const source = sourceInfo(input.container, input.name, properties);

  const existing = await readExisting(blobs, location, properties.etag, await listing);
  if (existing.outcome !== undefined) {
    if (existing.outcome.status === 'succeeded') await deleteError(blobs, location, source);
    logger.info('Outcome already recorded; skipping', { name: input.name, status: existing.outcome.status });
    return { status: 'skipped', document: existing.outcome, location };
  }
  const fail = (error: MediaCompletionsError): Promise<ProcessBlobOutcome> =>
    recordFailure(deps, location, source, error, existing.result);

  const nameProblem = blobNameProblem(input.name);
  if (nameProblem !== undefined) return fail(new MediaCompletionsError('invalid_blob_name', nameProblem));
  if (properties.size > settings.maxBytes) {
    return fail(
      new MediaCompletionsError(
        'too_large',
        `The blob is ${properties.size} bytes; the limit is ${settings.maxBytes} bytes.`,
      ),
    );
  }
  // The download does not depend on the claim, so both run at once; a refused claim drops the bytes.
  const download =
    input.content === undefined
      ? blobs.download(input.container, input.name, { ifMatch: properties.etag })
      : Promise.resolve(input.content);
  download.catch(() => undefined);
  // A simultaneous delivery of this version (triggers deliver at least once) stops here: no second call.
  const claim = await claimOutput(deps, location, source);
  if (claim === undefined) {
    logger.warn('Source blob changed during processing', { name: input.name, code: 'source_changed' });
    return { status: 'gone', location };
  }
  try {
    return await produceOutcome(deps, input, { location, properties, source, existing, started, download });
  } finally {
    await claim.release();
  }
}

interface Claimed {
  location: OutputLocation;
  properties: BlobProperties;
  source: SourceInfo;
  existing: Existing;
  started: number;
  /** The source bytes, already being downloaded (If-Match the ETag). */
  download: Promise<Uint8Array>;
}

/** Download → `complete` → result document (or error document for a permanent failure), under the claim. */
async function produceOutcome(
  deps: PipelineDeps,
  input: ProcessBlobInput,
  claimed: Claimed,
): Promise<ProcessBlobOutcome> {
  const { blobs, clock, logger } = deps;
  const { location, properties, source, existing, started } = claimed;
  let bytes: Uint8Array;
  try {
    bytes = await claimed.download;
  } catch (error) {
    if (
      isMediaCompletionsError(error) &&
      (error.code === 'source_changed' || error.code === 'source_not_found')
    ) {
      logger.warn('Source blob changed during processing', { name: input.name, code: error.code });
      return { status: 'gone', location };
    }
    throw error;
  }
  const downloadMs = clock.now() - started;
  const withHash = { ...source, sha256: createHash('sha256').update(bytes).digest('hex') };

  let result;
  try {
    result = await complete(deps, {
      media: [{ bytes }],
      overrides: { ...input.overrides, ...overridesFromMetadata(properties.metadata) },
    });
  } catch (error) {
    // Only input faults are recorded. A configuration fault (a refused credential, a missing deployment, ...)
    // says nothing about this input: it is retryable and rethrown with no document at all, so the idempotency
    // check above finds nothing next time and a run after the fix processes the input. A retryable error
    // document would do the same for the check, but would leave a misleading "failed" beside every input for
    // what is one setting, and would have to be deleted again on success.
    if (isMediaCompletionsError(error) && !error.retryable) {
      return recordFailure(deps, location, withHash, error, existing.result);
    }
    throw error;
  }
  const now = clock.now();
  const document = resultDocument(withHash, result, { downloadMs, totalMs: now - started, now });
  const written = await writeOutcomeDocument(
    blobs,
    location.container,
    location.resultName,
    document,
    existing.result,
  );
  if (written === 'stale') return { status: 'gone', location };
  await deleteError(blobs, location, source);
  logger.info('Result written', {
    name: input.name,
    attempts: result.attempts,
    modelMs: result.modelMs,
    duplicate: written === 'duplicate',
  });
  return { status: 'succeeded', document, location };
}

interface Existing {
  /** An outcome for the current source ETag that makes this run unnecessary. */
  outcome: OutcomeDocument | undefined;
  /** The result document as read, for a conditional replace. */
  result: JsonBlob | undefined;
}

/**
 * A result for this ETag, or a permanent error for it, settles the blob. A retryable error document (the poison
 * handler's `retries_exhausted`, which may stand for a configuration fault that is fixed since) does not: a
 * later delivery or run may succeed.
 */
async function readExisting(
  blobs: BlobStore,
  location: OutputLocation,
  etag: string,
  present: ReadonlySet<string> | undefined,
): Promise<Existing> {
  const read = (name: string): Promise<JsonBlob | undefined> =>
    present === undefined || present.has(name)
      ? blobs.readJson(location.container, name)
      : Promise.resolve(undefined);
  const result = await read(location.resultName);
  if (result !== undefined && sourceEtagOf(result.value) === etag) {
    return { outcome: result.value as ResultDocument, result };
  }
  const error = await read(location.errorName);
  if (error !== undefined && sourceEtagOf(error.value) === etag) {
    const document = error.value as ErrorDocument;
    if (!document.error.retryable) return { outcome: document, result };
  }
  return { outcome: undefined, result };
}

/**
 * Which of the two documents exist, from one listing of their common prefix: usually neither does, and one list
 * call is cheaper than two reads that fail with 404 (half the storage work of a small item). `undefined` when
 * the listing cannot tell (no common prefix, or more than one page), and both are read instead.
 */
async function listOutcomeNames(
  blobs: BlobStore,
  location: OutputLocation,
): Promise<Set<string> | undefined> {
  const { resultName, errorName } = location;
  let common = 0;
  while (common < resultName.length && resultName[common] === errorName[common]) common++;
  if (common === 0) return undefined;
  const page = await blobs.listPage(location.container, {
    prefix: resultName.slice(0, common),
    pageSize: 50,
  });
  if (page.continuationToken !== undefined) return undefined;
  return new Set(page.items.map((item) => item.name));
}

async function recordFailure(
  deps: PipelineDeps,
  location: OutputLocation,
  source: SourceInfo,
  error: MediaCompletionsError,
  staleResult: JsonBlob | undefined,
): Promise<ProcessBlobOutcome> {
  const document = errorDocument(source, error, deps.clock.now());
  const written = await writeOutcomeDocument(deps.blobs, location.container, location.errorName, document);
  if (written === 'stale') return { status: 'gone', location };
  // The invariant is one document per input: a result of an older version must go.
  if (staleResult !== undefined && documentBelongsTo(staleResult.value, source)) {
    await deps.blobs.deleteIfExists(location.container, location.resultName, { ifMatch: staleResult.etag });
  }
  deps.logger.warn('Error document written', { name: source.name, code: error.code });
  return { status: 'failed', document, location };
}

/** The error document of this input, never another's, and only the version read (If-Match). */
async function deleteError(blobs: BlobStore, location: OutputLocation, source: SourceInfo): Promise<void> {
  const error = await blobs.readJson(location.container, location.errorName);
  if (error === undefined || !documentBelongsTo(error.value, source)) return;
  await blobs.deleteIfExists(location.container, location.errorName, { ifMatch: error.etag });
}
