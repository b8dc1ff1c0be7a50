import { isRecord } from '../json/isRecord';

/**
 * Whether a stored outcome document was written for this input (its `source.container` and `source.name`).
 * Every replace or delete of a document checks it first: a name shared by two inputs, or a blob someone else
 * put there, must never cost an input its document.
 */
export function documentBelongsTo(document: unknown, source: { container: string; name: string }): boolean {
  if (!isRecord(document) || !isRecord(document.source)) return false;
  return document.source.container === source.container && document.source.name === source.name;
}
