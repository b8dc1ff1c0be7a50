import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { errorDocument } from '../outputs/errorDocument';
import { defaultOutputLocation, type OutputLocation } from '../outputs/OutputLocation';
import { sourceEtagOf } from '../outputs/sourceEtagOf';
import { sourceInfo } from '../outputs/sourceInfo';
import { writeOutcomeDocument } from '../outputs/writeOutcomeDocument';
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
  const result = await blobs.readJson(location.container, location.resultName);
  if (result !== undefined && sourceEtagOf(result.value) === properties.etag) return 'settled';
  const document = errorDocument(
    sourceInfo(input.container, input.name, properties),
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
}
