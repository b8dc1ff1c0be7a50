import { createHash, randomBytes } from 'node:crypto';
import { MediaCompletionsError } from '../errors';
import type { BatchDeps } from './BatchDeps';
import type { PlanMessage } from './BatchMessage';
import type { BatchRecord, BatchSource } from './BatchRecord';
import type { BatchRequest } from './BatchRequest';
import { batchPaths } from './batchPaths';
import { batchQueueNames } from './batchQueueNames';
import { readBatchRecord } from './batchRecordStore';

/**
 * Writes `batches/<id>/batch.json` (status `validating`) and enqueues the planner's first page. Without `force`,
 * the id is derived from the request, so a retried or repeated identical request returns the existing batch
 * (`created: false`) instead of processing everything twice.
 */
export async function createBatch(
  deps: BatchDeps,
  request: BatchRequest,
): Promise<{ record: BatchRecord; created: boolean }> {
  const container = deps.settings.outputContainer;
  const source = await resolveSource(deps, request.source);
  const id = request.force
    ? `batch_${randomBytes(12).toString('hex')}`
    : `batch_${createHash('sha256')
        .update(JSON.stringify({ source, overrides: request.overrides }))
        .digest('hex')
        .slice(0, 24)}`;
  const record: BatchRecord = {
    schemaVersion: 1,
    id,
    source,
    overrides: request.overrides,
    outputContainer: container,
    counterShards: deps.batch.counterShards,
    status: 'validating',
    planned: 0,
    plannedPages: 0,
    total: null,
    finalizeQueued: false,
    errors: [],
    createdAt: new Date(deps.clock.now()).toISOString(),
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    cancellingAt: null,
    cancelledAt: null,
    finalCounts: null,
  };
  const written = await deps.blobs.writeJson(container, batchPaths.record(id), record, { ifNoneMatch: '*' });
  if (!written.written) {
    const existing = await readBatchRecord(deps.blobs, container, id);
    if (existing !== undefined) return { record: existing, created: false };
  }
  const plan: PlanMessage = { type: 'plan', batchId: id, page: 0, index: 0 };
  await deps.queue.send(batchQueueNames.plan(deps.batch.queue), plan);
  deps.logger.info('Batch created', { batchId: id, source: source.kind });
  return { record, created: true };
}

async function resolveSource(deps: BatchDeps, source: BatchRequest['source']): Promise<BatchSource> {
  if (source.kind === 'container') {
    return { kind: 'container', container: source.container, prefix: source.prefix };
  }
  const properties = await deps.blobs.getProperties(source.container, source.name);
  if (properties === undefined) {
    throw new MediaCompletionsError(
      'invalid_batch_request',
      `Invalid batch request: the manifest ${source.container}/${source.name} does not exist.`,
    );
  }
  return { kind: 'manifest', container: source.container, name: source.name, etag: properties.etag };
}
