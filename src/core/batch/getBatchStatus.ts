import type { BlobStore } from '../ports/BlobStore';
import { readBatchCounts } from './batchCounters';
import { batchPaths } from './batchPaths';
import type { BatchRecordCache } from './BatchRecordCache';
import { readBatchRecord } from './batchRecordStore';
import type { BatchView } from './BatchView';

/**
 * The batch's status, cheaply: the record plus one listing of its counter shards (two requests, whatever the
 * batch size; after finalization the record alone). `undefined` when there is no such batch. The record read
 * refreshes `records`, when given.
 */
export async function getBatchStatus(
  deps: { blobs: BlobStore; settings: { outputContainer: string }; records?: BatchRecordCache },
  id: string,
): Promise<BatchView | undefined> {
  const record = await readBatchRecord(deps.blobs, deps.settings.outputContainer, id, deps.records);
  if (record === undefined) return undefined;
  const counts = record.finalCounts ?? (await readBatchCounts(deps.blobs, record.outputContainer, record));
  const finished = record.status === 'completed' || record.status === 'cancelled';
  return {
    id: record.id,
    object: 'batch',
    status: record.status,
    input:
      record.source.kind === 'container'
        ? { container: record.source.container, prefix: record.source.prefix ?? null }
        : { manifest: `${record.source.container}/${record.source.name}` },
    ...(record.analyzer === undefined ? {} : { analyzer: record.analyzer }),
    output_container: record.outputContainer,
    output_file: finished ? batchPaths.results(record.id) : null,
    error_file: finished ? batchPaths.errors(record.id) : null,
    request_counts: {
      total: record.total ?? record.planned,
      completed: counts.completed,
      failed: counts.failed,
      cancelled: counts.cancelled,
    },
    usage: {
      prompt_tokens: counts.promptTokens,
      completion_tokens: counts.completionTokens,
      total_tokens: counts.totalTokens,
    },
    errors: record.errors,
    created_at: Math.floor(Date.parse(record.createdAt) / 1000),
    in_progress_at: seconds(record.inProgressAt),
    finalizing_at: seconds(record.finalizingAt),
    completed_at: seconds(record.completedAt),
    failed_at: seconds(record.failedAt),
    cancelling_at: seconds(record.cancellingAt),
    cancelled_at: seconds(record.cancelledAt),
  };
}

function seconds(iso: string | null): number | null {
  return iso === null ? null : Math.floor(Date.parse(iso) / 1000);
}
