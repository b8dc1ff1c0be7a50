import { isMediaCompletionsError } from '../errors/MediaCompletionsError';
import { InProgressError } from '../errors/InProgressError';
import { isRecord } from '../json/isRecord';
import type { PipelineSettings } from '../completion/PipelineSettings';
import type { BlobStore } from '../ports/BlobStore';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import { claimBlobName } from './claimBlobName';
import type { OutputLocation } from './OutputLocation';
import { sourceEtagOf } from './sourceEtagOf';
import { updateJsonBlob, type UpdateStep } from './updateJsonBlob';

export interface ClaimOutputDeps {
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
  settings: PipelineSettings;
}

/** The source version a claim is for. */
export interface ClaimedSource {
  container: string;
  name: string;
  etag: string;
}

/** A claim this run holds. */
export interface OutputClaim {
  /**
   * An earlier claim was there (expired, or of an older version) and this one replaced it. Its holder may have
   * written a document after the caller's idempotency check, so the caller checks again before relying on it.
   */
  tookOver: boolean;
  /** Epoch milliseconds after which another delivery may take the claim over. */
  expiresAt: number;
  /** Deletes this claim (not one a taker wrote since); never throws, since an unreleased claim expires. */
  release(): Promise<void>;
  /**
   * Rewrites this claim as expired (If-Match) instead of deleting it, for a writer that is not the pipeline (the
   * poison handler): the next claimer then takes it over, and so checks again for the document written under it,
   * which its own listing may predate. Never throws (a claim left live expires).
   */
  lapse(): Promise<void>;
}

/**
 * Claims an output for one source version before the model is called, so that simultaneous deliveries of that
 * version (triggers deliver at least once) pay for one call. The claim is `claims/<hash>.claim` in the output
 * container, created with If-None-Match: *, holding the source ETag and an expiry past the retry budget (plus
 * `claimMarginMs` for download and writes). A live claim for the same ETag throws InProgressError: the caller
 * lets the host deliver again. An expired claim (its holder died), or a live one for another version while ours
 * is still current, is taken over with If-Match on the claim's own ETag, so two takers cannot both win.
 *
 * @returns `undefined` when a live claim belongs to another version and ours is no longer the blob's current
 *   one: the newer version has its own run.
 */
export async function claimOutput(
  deps: ClaimOutputDeps,
  location: OutputLocation,
  source: ClaimedSource,
): Promise<OutputClaim | undefined> {
  const { blobs, clock, logger, settings } = deps;
  const name = claimBlobName(location.resultName);
  const now = clock.now();
  const claim = {
    schemaVersion: 1,
    resultName: location.resultName,
    source,
    claimedAt: iso(now),
    expiresAt: iso(now + settings.retry.totalBudgetMs + settings.claimMarginMs),
  };
  const take = (tookOver: boolean): UpdateStep<OutputClaim> => ({
    write: claim,
    written: (etag) => heldClaim(deps, { container: location.container, name, claim, etag, tookOver }),
  });
  return updateJsonBlob<OutputClaim | undefined>(
    blobs,
    location.container,
    name,
    async (current, attempt) => {
      if (current === undefined) {
        if (attempt === 1) return take(false);
        // Released between our write and our read: its holder has most likely just written the document, which
        // a redelivery will find; claiming now could pay for the same answer twice.
        throw new InProgressError(
          `${location.resultName} was being produced by another delivery.`,
          clock.now(),
        );
      }
      const heldUntil = expiryOf(current.value);
      const expired = heldUntil <= clock.now();
      if (!expired) {
        if (sourceEtagOf(current.value) === source.etag) {
          throw new InProgressError(
            `Another delivery is producing ${location.resultName}; its claim expires at ${iso(heldUntil)}.`,
            heldUntil,
          );
        }
        const properties = await blobs.getProperties(source.container, source.name);
        if (properties?.etag !== source.etag) return { done: undefined };
      }
      logger.warn('Taking over a claim', {
        name: source.name,
        reason: expired ? 'expired' : 'older version',
      });
      return take(true);
    },
    {
      // Claims are created where none exists, so the first try writes without reading.
      start: 'absent',
      // Another writer changing the claim between our read and our write each time is not worth more tries.
      maxTries: 3,
      conflictMessage: `Could not claim ${location.resultName}: the claim kept changing under concurrent deliveries.`,
    },
  );
}

/** A claim without a readable expiry counts as expired: nothing could ever release it otherwise. */
function expiryOf(claim: unknown): number {
  if (!isRecord(claim) || typeof claim.expiresAt !== 'string') return 0;
  const time = Date.parse(claim.expiresAt);
  return Number.isNaN(time) ? 0 : time;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

interface HeldClaim {
  container: string;
  name: string;
  /** The claim as written. */
  claim: { expiresAt: string };
  etag: string;
  tookOver: boolean;
}

function heldClaim(deps: ClaimOutputDeps, held: HeldClaim): OutputClaim {
  const { container, name, etag } = held;
  const warn = (action: string, error: unknown): void => {
    deps.logger.warn(`Could not ${action} a claim; it expires on its own`, {
      code: isMediaCompletionsError(error) ? error.code : 'unexpected',
    });
  };
  return {
    tookOver: held.tookOver,
    expiresAt: Date.parse(held.claim.expiresAt),
    release: async () => {
      try {
        await deps.blobs.deleteIfExists(container, name, { ifMatch: etag });
      } catch (error) {
        warn('release', error);
      }
    },
    lapse: async () => {
      try {
        const lapsed = { ...held.claim, expiresAt: iso(deps.clock.now()) };
        await deps.blobs.writeJson(container, name, lapsed, { ifMatch: etag });
      } catch (error) {
        warn('lapse', error);
      }
    },
  };
}
