import pLimit from 'p-limit';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { authorizeBlobReference } from '../access/authorizeBlobReference';
import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import { isRecord } from '../json/isRecord';
import type { BatchDeps } from './BatchDeps';
import type { ItemMessage, PlanMessage } from './BatchMessage';
import type { BatchRecord } from './BatchRecord';
import { readBatchRecord, updateBatchRecord } from './batchRecordStore';
import { checkBatchCompletion } from './checkBatchCompletion';
import { failBatch } from './failBatch';

/** Bytes of manifest read per page: enough for `planPageSize` lines of ordinary length. */
const MANIFEST_CHUNK = 4 * 1024 * 1024;
const SEND_CONCURRENCY = 32;

export type PlanOutcome =
  | { status: 'planned'; items: number; last: boolean }
  | { status: 'duplicate' }
  | { status: 'stopped' }
  | { status: 'failed'; code: string };

/**
 * Plans one page: lists at most `planPageSize` blobs (or manifest lines) from the message's cursor, enqueues one
 * item message each, enqueues the next page, then records progress. Only one page is ever in memory and each
 * invocation is short, whatever the batch size. A redelivered page is recognised by `plannedPages`.
 */
export async function planBatchPage(deps: BatchDeps, message: PlanMessage): Promise<PlanOutcome> {
  const container = deps.settings.outputContainer;
  const record = await readBatchRecord(deps.blobs, container, message.batchId, deps.records);
  if (record === undefined) {
    throw new MediaCompletionsError('batch_not_found', `Batch ${message.batchId} does not exist.`);
  }
  if (record.plannedPages > message.page || record.total !== null) return { status: 'duplicate' };
  if (record.status !== 'validating' && record.status !== 'in_progress') {
    await endPlanning(deps, record.id, record.planned);
    return { status: 'stopped' };
  }
  let page: { items: ItemMessage[]; cursor: string | undefined };
  try {
    page = await readPage(deps, record, message);
  } catch (error) {
    if (!isMediaCompletionsError(error) || error.retryable) throw error;
    await failBatch(deps, record.id, error);
    deps.logger.warn('Batch failed during planning', { batchId: record.id, code: error.code });
    return { status: 'failed', code: error.code };
  }
  const limit = pLimit(SEND_CONCURRENCY);
  await Promise.all(page.items.map((item) => limit(() => deps.queue.send(deps.batch.queues.item, item))));
  const nextIndex = message.index + page.items.length;
  if (page.cursor !== undefined) {
    const next: PlanMessage = {
      type: 'plan',
      batchId: record.id,
      page: message.page + 1,
      index: nextIndex,
      cursor: page.cursor,
    };
    await deps.queue.send(deps.batch.queues.plan, next);
  }
  const now = new Date(deps.clock.now()).toISOString();
  await updateBatchRecord(
    deps.blobs,
    container,
    record.id,
    (current) =>
      current.plannedPages > message.page
        ? undefined
        : {
            ...current,
            planned: nextIndex,
            plannedPages: message.page + 1,
            ...(current.status === 'validating' ? { status: 'in_progress' as const, inProgressAt: now } : {}),
            ...(page.cursor === undefined ? { total: nextIndex } : {}),
          },
    deps.records,
  );
  deps.logger.info('Batch page planned', {
    batchId: record.id,
    page: message.page,
    items: page.items.length,
  });
  if (page.cursor === undefined) await checkBatchCompletion(deps, record.id);
  return { status: 'planned', items: page.items.length, last: page.cursor === undefined };
}

/** Cancelled (or failed) during planning: what was enqueued is the whole batch. */
async function endPlanning(deps: BatchDeps, id: string, planned: number): Promise<void> {
  await updateBatchRecord(
    deps.blobs,
    deps.settings.outputContainer,
    id,
    (current) => (current.total === null ? { ...current, total: planned } : undefined),
    deps.records,
  );
  await checkBatchCompletion(deps, id);
}

async function readPage(
  deps: BatchDeps,
  record: BatchRecord,
  message: PlanMessage,
): Promise<{ items: ItemMessage[]; cursor: string | undefined }> {
  const { source } = record;
  if (source.kind === 'container') {
    const page = await deps.blobs.listPage(source.container, {
      pageSize: deps.batch.planPageSize,
      ...(source.prefix === undefined ? {} : { prefix: source.prefix }),
      ...(message.cursor === undefined ? {} : { continuationToken: message.cursor }),
    });
    return {
      items: page.items.map((item, offset) => ({
        type: 'item',
        batchId: record.id,
        index: message.index + offset,
        container: source.container,
        name: item.name,
        etag: item.etag,
        size: item.size,
        contentType: item.contentType ?? null,
      })),
      cursor: page.continuationToken,
    };
  }
  const offset = message.cursor === undefined ? 0 : Number(message.cursor);
  const bytes = Buffer.from(
    await deps.blocks.readRange(source.container, source.name, {
      offset,
      count: MANIFEST_CHUNK,
      ifMatch: source.etag,
    }),
  );
  const items: ItemMessage[] = [];
  let consumed = 0;
  while (items.length < deps.batch.planPageSize && consumed < bytes.length) {
    let end = bytes.indexOf(0x0a, consumed);
    if (end < 0) {
      // The last line of the file may lack a newline; anywhere else the line is longer than a chunk.
      if (bytes.length < MANIFEST_CHUNK) end = bytes.length;
      else if (consumed === 0) throw manifestError(offset, 'a line is longer than 4 MiB');
      else break;
    }
    const line = bytes.subarray(consumed, end).toString('utf8').trim();
    const lineOffset = offset + consumed;
    consumed = end + 1;
    if (line.length === 0) continue;
    items.push(manifestItem(deps, record, source.container, line, message.index + items.length, lineOffset));
  }
  const atEnd = bytes.length < MANIFEST_CHUNK && consumed >= bytes.length;
  return { items, cursor: atEnd ? undefined : String(offset + Math.min(consumed, bytes.length)) };
}

/**
 * `{ "custom_id", "blob": "<container>/<name>" | "<name>", "prompt"?, "system"?, "detail"?, "max_tokens"?, "model"? }`.
 * The blob passes the authorization step (`MEDIA_BATCH_CONTAINERS`); a refused one becomes an item carrying its
 * refusal, so that it gets its error line and the rest of the batch goes on.
 */
function manifestItem(
  deps: BatchDeps,
  record: BatchRecord,
  manifestContainer: string,
  line: string,
  index: number,
  offset: number,
): ItemMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw manifestError(offset, 'the line is not JSON');
  }
  if (!isRecord(value)) throw manifestError(offset, 'the line is not a JSON object');
  const { custom_id: customId, blob } = value;
  if (typeof customId !== 'string' || customId.length === 0 || customId.length > 512) {
    throw manifestError(offset, '"custom_id" must be a string of 1-512 characters');
  }
  if (typeof blob !== 'string' || blob.length === 0) throw manifestError(offset, '"blob" must be a string');
  const slash = blob.indexOf('/');
  const reference = {
    container: slash < 0 ? manifestContainer : blob.slice(0, slash),
    name: slash < 0 ? blob : blob.slice(slash + 1),
  };
  let refused: { code: string; message: string } | undefined;
  try {
    authorizeBlobReference(
      reference,
      { allowed: deps.batch.containers, outputContainer: deps.settings.outputContainer },
      '"blob"',
    );
  } catch (error) {
    if (!isMediaCompletionsError(error)) throw error;
    refused = { code: error.code, message: error.message };
  }
  const overrides: CompletionOverrides = {};
  for (const [field, key] of [
    ['prompt', 'prompt'],
    ['system', 'system'],
    ['detail', 'detail'],
    ['model', 'model'],
    ['analyzer', 'analyzer'],
  ] as const) {
    const given = value[field];
    if (typeof given === 'string') overrides[key] = given;
  }
  if (typeof value.max_tokens === 'number' || typeof value.max_tokens === 'string') {
    overrides.maxTokens = value.max_tokens;
  }
  return {
    type: 'item',
    batchId: record.id,
    index,
    ...reference,
    etag: '',
    size: 0,
    contentType: null,
    customId,
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(refused === undefined ? {} : { refused }),
  };
}

function manifestError(offset: number, problem: string): MediaCompletionsError {
  return new MediaCompletionsError('invalid_manifest', `Manifest line at byte ${offset}: ${problem}.`);
}
