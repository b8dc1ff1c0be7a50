import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { errorDocument } from '../outputs/errorDocument';
import { defaultOutputLocation, type OutputLocation } from '../outputs/OutputLocation';
import { sourceEtagOf } from '../outputs/sourceEtagOf';
import { sourceInfo } from '../outputs/sourceInfo';
import { writeOutcomeDocument } from '../outputs/writeOutcomeDocument';
import { claimOutput } from '../outputs/claimOutput';
import type { PipelineSettings } from '../completion/PipelineSettings';
import type { BlobStore } from '../ports/BlobStore';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';

export interface PoisonBlobDeps {
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
  settings: PipelineSettings;
}

export interface PoisonBlobInput {
  container: string;
  name: string;
  /** The version the host gave up on; `undefined` means the current one. */
  etag: string | undefined;
  /** How many times the host ran the function on it. */
  deliveries: number;
  /** A configuration fault this process saw last (see ModelCircuitBreaker), named in the message. */
  lastFault?: MediaCompletionsError;
  output?: OutputLocation;
}

/**
 * - `recorded`: the error document was written;
 * - `settled`: the version already has an outcome document (a late success, or a permanent error);
 * - `superseded`: the blob was deleted or overwritten since, and the new version gets its own run.
 */
export type PoisonBlobOutcome = 'recorded' | 'settled' | 'superseded';

/**
 * Records a blob the host stopped retrying (its poison queue message) as an error document, keeping the
 * invariant that every input ends with exactly one outcome document.
 *
 * The pipeline does not read back and delete an error document after writing a result unless its listing
 * showed one (see `processBlob`), so this writer takes the output's claim before writing: never while a live
 * claim for the same version exists (its holder is producing the outcome), and after writing it leaves the
 * claim lapsed rather than deleted, so that a delivery which listed before the error document was written takes
 * the claim over, and a takeover makes it look again (it then replaces the error document with its result).
 *
 * @throws InProgressError (`in_progress`, retryable) when another delivery holds a live claim for this version:
 *   nothing is written; that delivery writes the outcome, or fails into its own retries.
 */
export async function recordPoisonBlob(
  deps: PoisonBlobDeps,
  input: PoisonBlobInput,
): Promise<PoisonBlobOutcome> {
  const { blobs, logger } = deps;
  const location = input.output ?? defaultOutputLocation(deps.settings.outputContainer, input.name);
  const properties = await blobs.getProperties(input.container, input.name);
  if (properties === undefined || (input.etag !== undefined && input.etag !== properties.etag)) {
    logger.info('Poison blob was replaced or deleted; nothing to record', { name: input.name });
    return 'superseded';
  }
  let result = await blobs.readJson(location.container, location.resultName);
  if (result !== undefined && sourceEtagOf(result.value) === properties.etag) return 'settled';
  const source = sourceInfo(input.container, input.name, properties);
  const claim = await claimOutput(deps, location, source);
  if (claim === undefined) return 'superseded';
  try {
    if (claim.tookOver) {
      // The claim's previous holder may have written the result since our read.
      result = await blobs.readJson(location.container, location.resultName);
      if (result !== undefined && sourceEtagOf(result.value) === properties.etag) return 'settled';
    }
    const document = errorDocument(
      source,
      {
        code: 'retries_exhausted',
        message:
          `Processing failed ${input.deliveries} times with transient errors; the host stopped retrying.` +
          (input.lastFault === undefined
            ? ''
            : ` The model's configuration was at fault: ${input.lastFault.message}` +
              ' After fixing it, run `media-completions process` (or upload the blob again).'),
        // Never settles the input: the idempotency check lets a later run or upload process it.
        retryable: true,
        attempts: input.deliveries,
      },
      deps.clock.now(),
    );
    const written = await writeOutcomeDocument(blobs, location.container, location.errorName, document);
    if (written === 'stale') return 'superseded';
    if (written === 'duplicate') return 'settled';
    if (result !== undefined) {
      await blobs.deleteIfExists(location.container, location.resultName, { ifMatch: result.etag });
    }
    logger.warn('Poison blob recorded', { name: input.name, deliveries: input.deliveries });
    return 'recorded';
  } finally {
    // Lapsed, never deleted, even when nothing was written now: a lapsed claim taken over here may stand for an
    // error document written earlier, which a delivery that listed before it must still be sent to look for.
    await claim.lapse();
  }
}
