/** Azure's limit for a blob name, in characters. */
export const MAX_BLOB_NAME_CHARS = 1024;

/**
 * Why a blob name cannot be used as given, or undefined when it can. A `.` or `..` path segment is resolved away
 * by URL normalisation in the storage client (`a/../b.png` addresses `b.png`, `../x` another container), so such a
 * name never reaches the blob it claims to be; Azure rejects names longer than 1,024 characters.
 */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'The blob name is empty.';
  if (name.length > MAX_BLOB_NAME_CHARS) {
    return `The blob name is ${name.length} characters; Azure allows at most ${MAX_BLOB_NAME_CHARS}.`;
  }
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'The blob name has a "." or ".." path segment, which storage URLs resolve to another blob.';
  }
  return undefined;
}
