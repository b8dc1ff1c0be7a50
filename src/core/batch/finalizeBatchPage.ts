import pLimit from 'p-limit';
import type { OutcomeDocument } from '../outputs/documents';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { isRecord } from '../json/isRecord';
import { keyOfDocumentName } from '../outputs/documentLocation';
import type { BatchDeps } from './BatchDeps';
import type { FinalizeMessage } from './BatchMessage';
import { readBatchCounts } from './batchCounters';
import { batchOutputLine } from './batchOutputLine';
import { batchOutputSchema } from './batchOutputSchema';
import { batchPaths } from './batchPaths';
import { readBatchRecord, updateBatchRecord } from './batchRecordStore';
import { outputCsvColumns } from './outputCsvColumns';
import { outputCsvText } from './outputCsvText';

const PAGE_SIZE = 1000;
const READ_CONCURRENCY = 16;
const JSONL = 'application/jsonl; charset=utf-8';
const CSV = 'text/csv; charset=utf-8';

/** Block ids must all have the same length within a blob. */
const blockId = (page: number): string =>
  Buffer.from(`page-${String(page).padStart(10, '0')}`).toString('base64');

/**
 * Writes one page of item documents (listed in name order) to results.jsonl and errors.jsonl as staged blocks,
 * then re-enqueues itself with the listing's continuation token; the last page commits both block lists and
 * marks the batch `completed` (or `cancelled`). Succeeded items with a structured `output` also go, in the same
 * order, to outputs.jsonl (`{"custom_id","output"}`) and, when the batch's analyzer schema is an object of
 * scalars, to outputs.csv (header in the schema's property order, in the first page's block). Memory and time
 * per invocation are bounded by one page, and a redelivered page restages the same block ids, so the files come
 * out the same.
 */
export async function finalizeBatchPage(
  deps: BatchDeps,
  message: FinalizeMessage,
): Promise<'page' | 'done' | 'duplicate'> {
  const container = deps.settings.outputContainer;
  const record = await readBatchRecord(deps.blobs, container, message.batchId, deps.records);
  if (record === undefined) {
    throw new MediaCompletionsError('batch_not_found', `Batch ${message.batchId} does not exist.`);
  }
  if (record.status === 'completed' || record.status === 'cancelled') return 'duplicate';
  const prefix = batchPaths.items(record.id);
  const page = await deps.blobs.listPage(container, {
    prefix,
    pageSize: PAGE_SIZE,
    ...(message.cursor === undefined ? {} : { continuationToken: message.cursor }),
  });
  const limit = pLimit(READ_CONCURRENCY);
  const documents = await Promise.all(
    page.items.map((item) =>
      limit(async () => ({
        found: await deps.blobs.readJson(container, item.name),
        key: await itemKey(deps, record.id, item.name.slice(prefix.length)),
      })),
    ),
  );
  const schema = batchOutputSchema(deps.settings, record);
  const columns = outputCsvColumns(schema);
  const results: string[] = [];
  const errors: string[] = [];
  const outputLines: string[] = [];
  const outputs: unknown[] = [];
  for (const { found, key } of documents) {
    if (found === undefined) continue;
    const document = found.value as OutcomeDocument;
    (document.status === 'succeeded' ? results : errors).push(batchOutputLine(record.id, key, document));
    if (document.status === 'succeeded' && document.output !== undefined) {
      outputLines.push(JSON.stringify({ custom_id: key, output: document.output }));
      outputs.push(document.output);
    }
  }
  const csv = columns === undefined ? '' : outputCsvText(columns, outputs, message.page === 0);
  // Each page becomes one block of each file; the file's block list is committed after the last page.
  const stage = async (data: string, name: string, pages: readonly number[] = []): Promise<number[]> => {
    if (data === '') return [...pages];
    await deps.blocks.stageBlock(container, name, blockId(message.page), Buffer.from(data, 'utf8'));
    return [...pages, message.page];
  };
  const [resultPages, errorPages, outputPages, csvPages] = await Promise.all([
    stage(jsonl(results), batchPaths.results(record.id), message.resultPages),
    stage(jsonl(errors), batchPaths.errors(record.id), message.errorPages),
    stage(jsonl(outputLines), batchPaths.outputs(record.id), message.outputPages),
    stage(csv, batchPaths.outputsCsv(record.id), message.csvPages),
  ]);
  if (page.continuationToken !== undefined) {
    const next: FinalizeMessage = {
      type: 'finalize',
      batchId: record.id,
      page: message.page + 1,
      cursor: page.continuationToken,
      resultPages,
      errorPages,
      outputPages,
      csvPages,
    };
    await deps.queue.send(deps.batch.queues.finalize, next);
    return 'page';
  }
  const commit = (name: string, pages: readonly number[], contentType: string): Promise<void> =>
    deps.blocks.commitBlocks(container, name, pages.map(blockId), contentType);
  await Promise.all([
    commit(batchPaths.results(record.id), resultPages, JSONL),
    commit(batchPaths.errors(record.id), errorPages, JSONL),
    ...(schema === undefined && outputPages.length === 0
      ? []
      : [commit(batchPaths.outputs(record.id), outputPages, JSONL)]),
    ...(columns === undefined ? [] : [commit(batchPaths.outputsCsv(record.id), csvPages, CSV)]),
  ]);
  const counts = await readBatchCounts(deps.blobs, container, record);
  const finalCounts = {
    completed: counts.completed,
    failed: counts.failed,
    cancelled: counts.cancelled,
    promptTokens: counts.promptTokens,
    completionTokens: counts.completionTokens,
    totalTokens: counts.totalTokens,
  };
  const now = new Date(deps.clock.now()).toISOString();
  await updateBatchRecord(
    deps.blobs,
    container,
    record.id,
    (current) =>
      current.status === 'completed' || current.status === 'cancelled'
        ? undefined
        : current.status === 'cancelling'
          ? { ...current, status: 'cancelled', cancelledAt: now, finalCounts }
          : { ...current, status: 'completed', completedAt: now, finalCounts },
    deps.records,
  );
  deps.logger.info('Batch finalized', {
    batchId: record.id,
    completed: counts.completed,
    failed: counts.failed,
  });
  return 'done';
}

/** The custom_id (or blob name) of an item document: from its name, or for a hashed name from `keys/`. */
async function itemKey(deps: BatchDeps, id: string, name: string): Promise<string> {
  const natural = keyOfDocumentName(name);
  if (natural !== undefined) return natural;
  const hash = name.slice(name.lastIndexOf('/') + 1).replace(/(\.error)?\.json$/, '');
  const kept = await deps.blobs.readJson(deps.settings.outputContainer, batchPaths.key(id, hash));
  if (kept === undefined || !isRecord(kept.value) || typeof kept.value.key !== 'string') {
    throw new MediaCompletionsError('write_conflict', `No key recorded for ${name}.`, { retryable: true });
  }
  return kept.value.key;
}

function jsonl(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
