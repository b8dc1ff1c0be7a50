import type { PipelineSettings } from '../completion/PipelineSettings';
import { outputCsvColumns } from './outputCsvColumns';

/**
 * For every configured analyzer with an `output` schema, keyed by the analyzer's name: its CSV columns
 * (`outputCsvColumns`: the top-level property names when the schema is an object of scalars), or `null` when the
 * schema does not fit one row. Recorded on the batch at creation (`BatchRecord.outputColumns`), so that a
 * configuration change while the batch runs cannot change the finalizer's files. Empty without analyzers.
 */
export function batchOutputColumns(
  settings: Pick<PipelineSettings, 'analyzers'>,
): Record<string, string[] | null> {
  const columns: Record<string, string[] | null> = {};
  for (const [name, analyzer] of settings.analyzers?.byName ?? []) {
    if (analyzer.output !== undefined) columns[name] = outputCsvColumns(analyzer.output.schema) ?? null;
  }
  return columns;
}
