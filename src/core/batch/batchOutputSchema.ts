import type { PipelineSettings } from '../completion/PipelineSettings';
import type { BatchRecord } from './BatchRecord';

/**
 * The output schema of the batch's analyzer (`record.analyzer`, looked up in the configured analyzers), or
 * `undefined` when the batch names none or its analyzer has no `output`.
 */
export function batchOutputSchema(
  settings: Pick<PipelineSettings, 'analyzers'>,
  record: Pick<BatchRecord, 'analyzer'>,
): Readonly<Record<string, unknown>> | undefined {
  if (record.analyzer === undefined) return undefined;
  return settings.analyzers?.byName.get(record.analyzer)?.output?.schema;
}
