import type { BlobStore } from '../ports/BlobStore';
import type { OutputLocation } from './OutputLocation';

/**
 * Which of the two documents exist, from one listing of their common prefix: usually neither does, and one list
 * call is cheaper than two reads that fail with 404 (half the storage work of a small item). `undefined` when
 * the listing cannot tell (no common prefix, or more than one page), and both are read instead.
 */
export async function listOutcomeNames(
  blobs: BlobStore,
  location: OutputLocation,
): Promise<Set<string> | undefined> {
  const { resultName, errorName } = location;
  let common = 0;
  while (common < resultName.length && resultName[common] === errorName[common]) common++;
  if (common === 0) return undefined;
  const page = await blobs.listPage(location.container, {
    prefix: resultName.slice(0, common),
    pageSize: 50,
  });
  if (page.continuationToken !== undefined) return undefined;
  return new Set(page.items.map((item) => item.name));
}
