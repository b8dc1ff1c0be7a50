import { createHash, randomBytes } from 'node:crypto';
import { authorizeBlobPrefix } from '../access/authorizeBlobPrefix';
import { authorizeBlobReference } from '../access/authorizeBlobReference';
import { authorizeContainer } from '../access/authorizeContainer';
import { isMediaCompletionsError, MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BatchDeps } from './BatchDeps';
import type { PlanMessage } from './BatchMessage';
import type { BatchRecord, BatchSource } from './BatchRecord';
import type { BatchRequest } from './BatchRequest';
import { batchOutputColumns } from './batchOutputColumns';
import { batchPaths } from './batchPaths';
import { findDuplicateCustomId } from './findDuplicateCustomId';
import { readBatchRecord } from './batchRecordStore';

/**
 * Writes `batches/<id>/batch.json` (status `validating`) and enqueues the planner's first page. Without `force`,
 * the id is derived from the request, so a retried or repeated identical request returns the existing batch
 * (`created: false`) instead of processing everything twice. The source passes the authorization step
 * (`MEDIA_BATCH_CONTAINERS`) before any storage call, and a manifest that uses a `custom_id` twice is refused.
 *
 * @throws MediaCompletionsError `blob_not_allowed`, `invalid_blob_name`, `invalid_batch_request` (missing
 *   manifest) or `duplicate_custom_id`, none retryable.
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
        .update(
          JSON.stringify({
            source,
            overrides: request.overrides,
            ...(request.analyzer === undefined ? {} : { analyzer: request.analyzer }),
          }),
        )
        .digest('hex')
        .slice(0, 24)}`;
  const record: BatchRecord = {
    schemaVersion: 1,
    id,
    source,
    overrides: request.overrides,
    ...(request.analyzer === undefined ? {} : { analyzer: request.analyzer }),
    outputColumns: batchOutputColumns(deps.settings),
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
    const existing = await readBatchRecord(deps.blobs, container, id, deps.records);
    if (existing !== undefined) return { record: existing, created: false };
  } else {
    deps.records.remember(id, { record, etag: written.etag });
  }
  const plan: PlanMessage = { type: 'plan', batchId: id, page: 0, index: 0 };
  await deps.queue.send(deps.batch.queues.plan, plan);
  deps.logger.info('Batch created', { batchId: id, source: source.kind });
  return { record, created: true };
}

async function resolveSource(deps: BatchDeps, source: BatchRequest['source']): Promise<BatchSource> {
  const access = { allowed: deps.batch.containers, outputContainer: deps.settings.outputContainer };
  if (source.kind === 'container') {
    authorizeContainer(source.container, access, '"container"');
    const prefix = source.prefix === undefined ? undefined : authorizeBlobPrefix(source.prefix, '"prefix"');
    return { kind: 'container', container: source.container, prefix };
  }
  const { container, name } = authorizeBlobReference(source, access, '"manifest"');
  const properties = await deps.blobs.getProperties(container, name);
  if (properties === undefined) {
    throw new MediaCompletionsError(
      'invalid_batch_request',
      `Invalid batch request: the manifest ${container}/${name.slice(0, 200)} does not exist.`,
    );
  }
  const manifest = { container, name, etag: properties.etag };
  const duplicate = await findDuplicateCustomId(deps.blocks, manifest).catch((error: unknown) => {
    if (isMediaCompletionsError(error) && error.code === 'source_changed') {
      throw new MediaCompletionsError(
        'invalid_batch_request',
        'Invalid batch request: the manifest changed while it was read; send the request again.',
      );
    }
    throw error;
  });
  if (duplicate !== undefined) {
    throw new MediaCompletionsError(
      'duplicate_custom_id',
      `Invalid batch request: custom_id "${duplicate.customId.slice(0, 200)}" on line ${duplicate.line} ` +
        `is already used on line ${duplicate.firstLine}; every custom_id must be unique.`,
    );
  }
  return { kind: 'manifest', ...manifest };
}
