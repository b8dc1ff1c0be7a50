import type { CompletionOverrides } from '../completion/CompletionOverrides';
import type { OutcomeDocument } from '../outputs/documents';
import {
  isConfigurationFault,
  isMediaCompletionsError,
  MediaCompletionsError,
} from '../errors/MediaCompletionsError';
import { InProgressError } from '../errors/InProgressError';
import { isRecord } from '../json/isRecord';
import { errorDocument } from '../outputs/errorDocument';
import { keyOfDocumentName } from '../outputs/documentLocation';
import type { OutputLocation } from '../outputs/OutputLocation';
import { writeOutcomeDocument } from '../outputs/writeOutcomeDocument';
import { processBlob } from '../blob/processBlob';
import { recordPoisonBlob } from '../blob/recordPoisonBlob';
import type { BatchDeps } from './BatchDeps';
import type { ItemMessage } from './BatchMessage';
import type { BatchRecord } from './BatchRecord';
import { countBatchItem, type ItemTally } from './batchCounters';
import { batchPaths } from './batchPaths';
import { recentBatchRecord } from './batchRecordStore';
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
 * - `deferred`: on the last delivery, another delivery held the item's claim, or the model's configuration was
 *   at fault; nothing was counted, and a fresh message was queued for later.
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
  // The process's recent copy: a cancel made elsewhere is seen within the cache's age (see BatchRecordCache).
  const record = await recentBatchRecord(
    deps.blobs,
    deps.settings.outputContainer,
    message.batchId,
    deps.records,
  );
  if (record === undefined) {
    throw new MediaCompletionsError('batch_not_found', `Batch ${message.batchId} does not exist.`);
  }
  const key = message.customId ?? message.name;
  const location = batchPaths.item(record.outputContainer, record.id, key);
  await rememberHashedKey(deps, record.outputContainer, record.id, key, location);
  const last = delivery.poisoned === true || delivery.dequeueCount >= deps.batch.maxDequeueCount;
  let document: OutcomeDocument;
  if (record.status !== 'validating' && record.status !== 'in_progress') {
    document = (await readItemDocument(deps, location)) ?? (await recordCancelled(deps, message, location));
  } else if (message.refused !== undefined) {
    // Refused by the authorization step: never read, never sent; the refusal is the item's error line.
    document =
      (await readItemDocument(deps, location)) ??
      (await recordItemError(deps, message, location, message.refused));
  } else if (delivery.poisoned === true) {
    const exhausted =
      (await readItemDocument(deps, location)) ?? (await recordExhausted(deps, message, location, delivery));
    if (exhausted instanceof InProgressError) return deferItem(deps, message, exhausted);
    document = exhausted;
  } else {
    try {
      const analyzer = record.analyzer === undefined ? {} : { analyzer: record.analyzer };
      document = await processItem(deps, message, location, { ...analyzer, ...record.overrides });
    } catch (error) {
      if (isMediaCompletionsError(error) && !error.retryable) {
        // Permanent and not recorded by the pipeline (a storage 4xx on the caller's name): the caller's error,
        // recorded now, so that the batch finishes instead of redelivering until the poison queue.
        document = await recordItemError(deps, message, location, {
          code: error.code,
          message: error.message,
        });
        return countItem(deps, record, message, document);
      }
      if (!last) throw error;
      if (error instanceof InProgressError) return deferItem(deps, message, error);
      if (isConfigurationFault(error)) return deferMisconfigured(deps, message, error);
      deps.logger.warn('Last delivery failed; recording the item', {
        batchId: record.id,
        index: message.index,
        code: error instanceof MediaCompletionsError ? error.code : 'unexpected',
      });
      const exhausted = await recordExhausted(deps, message, location, delivery);
      if (exhausted instanceof InProgressError) return deferItem(deps, message, exhausted);
      document = exhausted;
    }
  }
  return countItem(deps, record, message, document);
}

async function countItem(
  deps: BatchDeps,
  record: BatchRecord,
  message: ItemMessage,
  document: OutcomeDocument,
): Promise<BatchItemOutcome> {
  const tally = tallyOf(document);
  const count = await countBatchItem(
    deps.blobs,
    record.outputContainer,
    record,
    message.index,
    tally,
    deps.counterCopies,
  );
  if (count.shardFull || record.total === null) await checkBatchCompletion(deps, record.id);
  if (!count.counted) return 'duplicate';
  return tally.kind === 'completed' ? 'completed' : 'failed';
}

/**
 * A hashed document name does not carry its key (a custom_id such as `../x`, or a name too long): the key is
 * kept beside it, under `keys/`, for the output line. Written before the document, so the finalizer never finds
 * a document without its key; rewriting the same value is harmless.
 */
async function rememberHashedKey(
  deps: BatchDeps,
  container: string,
  id: string,
  key: string,
  location: OutputLocation,
): Promise<void> {
  const items = batchPaths.items(id);
  if (keyOfDocumentName(location.resultName.slice(items.length)) !== undefined) return;
  await deps.blobs.writeJson(container, batchPaths.key(id, batchPaths.keyHash(id, key)), { key }, undefined);
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
  await deps.queue.send(deps.batch.queues.item, message, { delaySeconds });
  deps.logger.info('Item in progress in another delivery; deferred', {
    batchId: message.batchId,
    index: message.index,
    delaySeconds,
  });
  return 'deferred';
}

/**
 * The last delivery met a configuration fault (401, 403, a missing deployment, ...). Counting the item as failed
 * would end the batch with every remaining item "failed" for one setting, and a counted item is never run again;
 * so, as for a held claim, a fresh message is queued for after the breaker's back-off (at least a minute, the
 * order of a role assignment's propagation), and the batch stays `in_progress` until the configuration is fixed
 * (the items then complete) or the batch is cancelled (they are then recorded `batch_cancelled`).
 */
async function deferMisconfigured(
  deps: BatchDeps,
  message: ItemMessage,
  error: MediaCompletionsError,
): Promise<BatchItemOutcome> {
  const delaySeconds = Math.max(60, Math.ceil(deps.settings.retry.configurationBackoffMs / 1000));
  await deps.queue.send(deps.batch.queues.item, message, { delaySeconds });
  deps.logger.warn('Item met a configuration fault; deferred until it is fixed', {
    batchId: message.batchId,
    index: message.index,
    code: error.code,
    delaySeconds,
  });
  return 'deferred';
}

/**
 * The host gave up (or this was the last delivery): `retries_exhausted`, unless an outcome exists meanwhile;
 * the InProgressError when another delivery holds the item's claim (it writes the outcome; defer).
 */
async function recordExhausted(
  deps: BatchDeps,
  message: ItemMessage,
  location: OutputLocation,
  delivery: ItemDelivery,
): Promise<OutcomeDocument | InProgressError> {
  const outcome = await recordPoisonBlob(deps, {
    container: message.container,
    name: message.name,
    etag: undefined,
    deliveries: delivery.dequeueCount,
    output: location,
  }).catch((error: unknown) => {
    if (error instanceof InProgressError) return error;
    throw error;
  });
  if (outcome instanceof InProgressError) return outcome;
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
  const source = {
    container: message.container,
    name: message.name,
    etag: message.etag,
    contentType: message.contentType,
    size: message.size,
  };
  const document = errorDocument(source, { ...error, retryable: false, attempts: 0 }, deps.clock.now());
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
