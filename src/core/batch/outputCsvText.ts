import { stringify } from 'csv-stringify/sync';
import { isRecord } from '../json/isRecord';

/**
 * One block of outputs.csv: a row per output (its `columns` in order; a missing value or `null` is an empty
 * cell, numbers as numbers, booleans `true` / `false`, anything else as JSON), preceded by the header row when
 * `header` is set. RFC 4180 quoting by csv-stringify; `\n` line ends. Empty text for no rows and no header.
 *
 * The cells are model text about untrusted media, and the file is made to be opened in a spreadsheet: a text
 * cell starting with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms) is prefixed with `'` so that it
 * is not run as a formula (OWASP, CSV injection; csv-stringify's `escape_formulas`, which leaves numbers alone:
 * `-12.5` stays a number).
 */
export function outputCsvText(
  columns: readonly string[],
  outputs: readonly unknown[],
  header: boolean,
): string {
  const rows = outputs.map((output) =>
    columns.map((column) => (isRecord(output) ? cell(output[column]) : '')),
  );
  return stringify(header ? [[...columns], ...rows] : rows, { escape_formulas: true });
}

/** Numbers stay numbers so that the formula escape, which looks at the value's type, keeps a leading `-`. */
function cell(value: unknown): string | number {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
