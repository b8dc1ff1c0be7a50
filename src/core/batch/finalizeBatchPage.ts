import pLimit from 'p-limit';
import type { OutcomeDocument } from '../outputs/documents';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { isRecord } from '../json/isRecord';
import { keyOfDocumentName } from '../outputs/documentLocation';
import type { BatchDeps } from './BatchDeps';
import type { FinalizeMessage } from './BatchMessage';
import { readBatchCounts } from './batchCounters';
import { batchOutputLine } from './batchOutputLine';
import { batchOutputColumns } from './batchOutputColumns';
import { batchPaths } from './batchPaths';
import { readBatchRecord, updateBatchRecord } from './batchRecordStore';
import { outputCsvText } from './outputCsvText';

const READ_CONCURRENCY = 16;
const JSONL = 'application/jsonl; charset=utf-8';
const CSV = 'text/csv; charset=utf-8';

/** Block ids must all have the same length within a blob. */
const blockId = (page: number): string =>
  Buffer.from(`page-${String(page).padStart(10, '0')}`).toString('base64');

/**
 * Writes one page of item documents (`MEDIA_BATCH_PAGE_SIZE`, listed in name order) to results.jsonl and
 * errors.jsonl as staged blocks, then re-enqueues itself with the listing's continuation token; the last page
 * commits the block lists and marks the batch `completed` (or `cancelled`). Succeeded items with a structured
 * `output` also go, in the same order, to outputs.jsonl (`{"custom_id","analyzer","output"}`, every analyzer) and,
 * per analyzer whose schema is an object of scalars (columns recorded on the batch at creation), to its CSV:
 * outputs.csv for the batch's analyzer, outputs.<analyzer>.csv for others; the header goes in a file's first
 * block. Memory and time per invocation are bounded by one page, and a redelivered page restages the same block
 * ids, so the files come out the same.
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
    pageSize: deps.batch.planPageSize,
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
  const outputColumns = record.outputColumns ?? batchOutputColumns(deps.settings);
  const columnsOf = (analyzer: string | undefined): string[] | undefined =>
    analyzer !== undefined && Object.hasOwn(outputColumns, analyzer)
      ? (outputColumns[analyzer] ?? undefined)
      : undefined;
  const results: string[] = [];
  const errors: string[] = [];
  const outputLines: string[] = [];
  // Per analyzer with CSV columns, its outputs on this page; the batch's own analyzer's file gets its header on
  // page 0 even without rows.
  const csvRows = new Map<string, unknown[]>();
  if (message.page === 0 && columnsOf(record.analyzer) !== undefined && record.analyzer !== undefined) {
    csvRows.set(record.analyzer, []);
  }
  for (const { found, key } of documents) {
    if (found === undefined) continue;
    const document = found.value as OutcomeDocument;
    (document.status === 'succeeded' ? results : errors).push(batchOutputLine(record.id, key, document));
    if (document.status === 'succeeded' && document.output !== undefined) {
      const analyzer = document.analyzer === undefined ? {} : { analyzer: document.analyzer };
      outputLines.push(JSON.stringify({ custom_id: key, ...analyzer, output: document.output }));
      if (document.analyzer !== undefined && columnsOf(document.analyzer) !== undefined) {
        const rows = csvRows.get(document.analyzer) ?? [];
        rows.push(document.output);
        csvRows.set(document.analyzer, rows);
      }
    }
  }
  // Each page becomes one block of each file; the file's block list is committed after the last page.
  const stage = async (data: string, name: string, pages: readonly number[] = []): Promise<number[]> => {
    if (data === '') return [...pages];
    await deps.blocks.stageBlock(container, name, blockId(message.page), Buffer.from(data, 'utf8'));
    return [...pages, message.page];
  };
  const own = (analyzer: string): boolean => analyzer === record.analyzer;
  const csvPagesOf = (analyzer: string): number[] =>
    (own(analyzer) ? message.csvPages : message.analyzerCsvPages?.[analyzer]) ?? [];
  const csvFileOf = (analyzer: string): string =>
    batchPaths.outputsCsv(record.id, own(analyzer) ? undefined : analyzer);
  const [resultPages, errorPages, outputPages, stagedCsv] = await Promise.all([
    stage(jsonl(results), batchPaths.results(record.id), message.resultPages),
    stage(jsonl(errors), batchPaths.errors(record.id), message.errorPages),
    stage(jsonl(outputLines), batchPaths.outputs(record.id), message.outputPages),
    Promise.all(
      [...csvRows].map(async ([analyzer, rows]): Promise<[string, number[]]> => {
        const before = csvPagesOf(analyzer);
        // The header goes in a file's first block: one header however many pages the file spans.
        const text = outputCsvText(columnsOf(analyzer) ?? [], rows, before.length === 0);
        return [analyzer, await stage(text, csvFileOf(analyzer), before)];
      }),
    ),
  ]);
  const staged = new Map(stagedCsv);
  const csvPages =
    record.analyzer === undefined ? message.csvPages : (staged.get(record.analyzer) ?? message.csvPages);
  const analyzerCsvPages: Record<string, number[]> = { ...message.analyzerCsvPages };
  for (const [analyzer, pages] of staged) if (!own(analyzer)) analyzerCsvPages[analyzer] = pages;
  if (page.continuationToken !== undefined) {
    const next: FinalizeMessage = {
      type: 'finalize',
      batchId: record.id,
      page: message.page + 1,
      cursor: page.continuationToken,
      resultPages,
      errorPages,
      outputPages,
      ...(csvPages === undefined ? {} : { csvPages }),
      ...(Object.keys(analyzerCsvPages).length === 0 ? {} : { analyzerCsvPages }),
    };
    await deps.queue.send(deps.batch.queues.finalize, next);
    return 'page';
  }
  const commit = (name: string, pages: readonly number[], contentType: string): Promise<void> =>
    deps.blocks.commitBlocks(container, name, pages.map(blockId), contentType);
  const ownSchema = record.analyzer !== undefined && Object.hasOwn(outputColumns, record.analyzer);
  await Promise.all([
    commit(batchPaths.results(record.id), resultPages, JSONL),
    commit(batchPaths.errors(record.id), errorPages, JSONL),
    ...(!ownSchema && outputPages.length === 0
      ? []
      : [commit(batchPaths.outputs(record.id), outputPages, JSONL)]),
    ...(csvPages === undefined ? [] : [commit(batchPaths.outputsCsv(record.id), csvPages, CSV)]),
    ...Object.entries(analyzerCsvPages).map(([analyzer, pages]) =>
      commit(batchPaths.outputsCsv(record.id, analyzer), pages, CSV),
    ),
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
