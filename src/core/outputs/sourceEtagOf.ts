import { isRecord } from '../json/isRecord';

/** The source ETag an outcome document was written for, or `undefined` for anything else. */
export function sourceEtagOf(document: unknown): string | undefined {
  if (!isRecord(document) || !isRecord(document.source)) return undefined;
  const { etag } = document.source;
  return typeof etag === 'string' ? etag : undefined;
}
