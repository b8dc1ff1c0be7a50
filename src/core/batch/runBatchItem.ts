import type { CompletionOverrides } from '../CompletionOverrides';
import type { ErrorDocument, OutcomeDocument } from '../documents';
import { MediaCompletionsError } from '../errors';
import { InProgressError } from '../InProgressError';
import { isRecord } from '../isRecord';
import type { OutputLocation } from '../outputs/OutputLocation';
import { writeOutcomeDocument } from '../outputs/writeOutcomeDocument';
import { processBlob } from '../processBlob';
import { recordPoisonBlob } from '../recordPoisonBlob';
import type { BatchDeps } from './BatchDeps';
import type { ItemMessage } from './BatchMessage';
import { countBatchItem, type ItemTally } from './batchCounters';
import { batchPaths } from './batchPaths';
import { readBatchRecord } from './batchRecordStore';
import { checkBatchCompletion } from './checkBatchCompletion';

export interface ItemDelivery {
  /** 1 on the first delivery (the host's `dequeueCount`). */
  dequeueCount: number;
  /** The message came from the poison queue: record it without trying again. */
  poisoned?: boolean;
}

/**
 * - `completed` / `failed`: the item's document exists and was counted now;
 * - `duplicate`: it had been counted before (a redelivered or duplicated message);
 * - `deferred`: on the last delivery, another delivery held the item's claim; nothing was counted, and a fresh
 *   message was queued for when that claim expires.
 */
export type BatchItemOutcome = 'completed' | 'failed' | 'duplicate' | 'deferred';

/**
 * Processes one batch item with the blob pipeline (`processBlob`: idempotency on the source ETag, conditional
 * writes, error documents, retries) into `batches/<id>/items/`, then counts it once. A retryable failure is
 * rethrown so the queue redelivers the message, except on the last delivery (or from the poison queue), where
 * the item gets a `retries_exhausted` error document: no item is left without one. The message is acknowledged
 * (the handler returns) only after the count, so a crash between document and count is repaired on redelivery.
 */
export async function runBatchItem(
  deps: BatchDeps,
  message: ItemMessage,
  delivery: ItemDelivery,
): Promise<BatchItemOutcome> {
  const record = await readBatchRecord(deps.blobs, deps.settings.outputContainer, message.batchId);
  if (record === undefined) {
    throw new MediaCompletionsError('batch_not_found', `Batch ${message.batchId} does not exist.`);
  }
  const location = batchPaths.item(record.outputContainer, record.id, message.customId ?? message.name);
  const last = delivery.poisoned === true || delivery.dequeueCount >= deps.batch.maxDequeueCount;
  let document: OutcomeDocument;
  if (record.status !== 'validating' && record.status !== 'in_progress') {
    document = (await readItemDocument(deps, location)) ?? (await recordCancelled(deps, message, location));
  } else if (delivery.poisoned === true) {
    document =
      (await readItemDocument(deps, location)) ?? (await recordExhausted(deps, message, location, delivery));
  } else {
    try {
      document = await processItem(deps, message, location, record.overrides);
    } catch (error) {
      if (!last) throw error;
      if (error instanceof InProgressError) return deferItem(deps, message, error);
      deps.logger.warn('Last delivery failed; recording the item', {
        batchId: record.id,
        index: message.index,
        code: error instanceof MediaCompletionsError ? error.code : 'unexpected',
      });
      document = await recordExhausted(deps, message, location, delivery);
    }
  }
  const tally = tallyOf(document);
  const count = await countBatchItem(deps.blobs, record.outputContainer, record, message.index, tally);
  if (count.shardFull || record.total === null) await checkBatchCompletion(deps, record.id);
  if (!count.counted) return 'duplicate';
  return tally.kind === 'completed' ? 'completed' : 'failed';
}

async function processItem(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
  overrides: CompletionOverrides,
): Promise<OutcomeDocument> {
  const outcome = await processBlob(deps, {
    container: message.container,
    name: message.name,
    output: location,
    overrides: { ...overrides, ...message.overrides },
  });
  if (outcome.status !== 'gone') return outcome.document;
  const properties = await deps.blobs.getProperties(message.container, message.name);
  if (properties === undefined) return recordMissing(deps, message, location);
  // Replaced while we worked: the batch takes the new version, on the next delivery.
  throw new MediaCompletionsError('source_changed', `${message.container}/${message.name} changed.`, {
    retryable: true,
  });
}

/**
 * The last delivery found the item being produced by another delivery (a duplicate message still running, or a
 * holder that died with its claim). Recording `retries_exhausted` now would count the item as failed while the
 * holder may still succeed, and a redelivery never counts twice; so a fresh message, with deliveries of its own,
 * is queued for when the claim expires: by then the document exists (the copy counts as a duplicate) or the
 * claim is taken over. The poison path does not wait: the host gave up there.
 */
async function deferItem(
  deps: BatchDeps,
  message: ItemMessage,
  error: InProgressError,
): Promise<BatchItemOutcome> {
  // A claim lives at most this long; a far-off expiry (another machine's clock) must not park the item.
  const longest = deps.settings.retry.totalBudgetMs + deps.settings.claimMarginMs;
  const waitMs = Math.min(Math.max(error.expiresAt - deps.clock.now(), 0), longest);
  const delaySeconds = Math.ceil(waitMs / 1000) + 1;
  await deps.queue.send(deps.batch.queue, message, { delaySeconds });
  deps.logger.info('Item in progress in another delivery; deferred', {
    batchId: message.batchId,
    index: message.index,
    delaySeconds,
  });
  return 'deferred';
}

/** The host gave up (or this was the last delivery): `retries_exhausted`, unless an outcome exists meanwhile. */
async function recordExhausted(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
  delivery: ItemDelivery,
): Promise<OutcomeDocument> {
  const outcome = await recordPoisonBlob(deps, {
    container: message.container,
    name: message.name,
    etag: undefined,
    deliveries: delivery.dequeueCount,
    output: location,
  });
  if (outcome === 'superseded') return recordMissing(deps, message, location);
  return requireDocument(deps, location);
}

function recordMissing(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
): Promise<OutcomeDocument> {
  return recordItemError(deps, message, location, {
    code: 'source_not_found',
    message: `${message.container}/${message.name} does not exist.`,
  });
}

function recordCancelled(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
): Promise<OutcomeDocument> {
  return recordItemError(deps, message, location, {
    code: 'batch_cancelled',
    message: 'The batch was cancelled before this item was processed.',
  });
}

/** An error document for an item the pipeline did not run on, identified by what the planner listed. */
async function recordItemError(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
  error: { code: string; message: string },
): Promise<OutcomeDocument> {
  const document: ErrorDocument = {
    schemaVersion: 1,
    status: 'failed',
    source: {
      container: message.container,
      name: message.name,
      etag: message.etag,
      contentType: message.contentType,
      size: message.size,
    },
    error: { ...error, retryable: false, attempts: 0 },
    createdAt: new Date(deps.clock.now()).toISOString(),
  };
  const written = await writeOutcomeDocument(deps.blobs, location.container, location.errorName, document);
  return written === 'written' ? document : requireDocument(deps, location);
}

async function readItemDocument(
  deps: BatchDeps,
  location: OutputLocation,
): Promise<OutcomeDocument | undefined> {
  const result = await deps.blobs.readJson(location.container, location.resultName);
  if (result !== undefined) return result.value as OutcomeDocument;
  return (await deps.blobs.readJson(location.container, location.errorName))?.value as
    OutcomeDocument | undefined;
}

async function requireDocument(deps: BatchDeps, location: OutputLocation): Promise<OutcomeDocument> {
  const document = await readItemDocument(deps, location);
  if (document === undefined) {
    throw new MediaCompletionsError('write_conflict', `No outcome document at ${location.resultName}.`, {
      retryable: true,
    });
  }
  return document;
}

function tallyOf(document: OutcomeDocument): ItemTally {
  if (document.status === 'failed') {
    const kind = document.error.code === 'batch_cancelled' ? 'cancelled' : 'failed';
    return { kind, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  }
  const usage = isRecord(document.usage) ? document.usage : {};
  const tokens = (key: string): number => (typeof usage[key] === 'number' ? usage[key] : 0);
  return {
    kind: 'completed',
    promptTokens: tokens('prompt_tokens'),
    completionTokens: tokens('completion_tokens'),
    totalTokens: tokens('total_tokens'),
  };
}
