import { stringify } from 'csv-stringify/sync';
import { isRecord } from '../json/isRecord';

/**
 * One block of outputs.csv: a row per output (its `columns` in order; a missing value or `null` is an empty
 * cell, booleans `true` / `false`, anything else as JSON), preceded by the header row when `header` is set.
 * RFC 4180 quoting by csv-stringify; `\n` line ends. Empty text for no rows and no header.
 */
export function outputCsvText(
  columns: readonly string[],
  outputs: readonly unknown[],
  header: boolean,
): string {
  const rows = outputs.map((output) =>
    columns.map((column) => (isRecord(output) ? cell(output[column]) : '')),
  );
  return stringify(header ? [[...columns], ...rows] : rows);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
