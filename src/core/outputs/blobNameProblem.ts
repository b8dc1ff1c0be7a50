/** Azure's limit for a blob name, in characters. */
export const MAX_BLOB_NAME_CHARS = 1024;
/** A UTF-16 surrogate without its partner: no URL can carry it (the storage client fails before sending). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Control characters (C0, DEL, C1) and the noncharacters U+FFFE/U+FFFF: Azure does not allow them in blob names
 * ("Naming and Referencing Containers, Blobs, and Metadata"), and XML listings cannot carry them (Azurite answers
 * a listing that would hold one with a 500).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_ALLOWED = /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

/**
 * Why a blob name cannot be used as given, or undefined when it can. A `.` or `..` path segment is resolved away
 * by URL normalisation in the storage client (`a/../b.png` addresses `b.png`, `../x` another container), and a
 * `\` is turned into `/` by the same normalisation, so such a name never reaches the blob it claims to be; an
 * empty segment (a leading `/`, `a//b`, a trailing `/`) names no file a client can round-trip; a lone surrogate
 * cannot be percent-encoded, so the storage client fails (as a transport error) before sending; control characters
 * are not allowed by Azure and break XML listings; Azure rejects names longer than 1,024 characters. The same rules apply to trigger inputs and to every reference a caller sends.
 */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'The blob name is empty.';
  if (name.length > MAX_BLOB_NAME_CHARS) {
    return `The blob name is ${name.length} characters; Azure allows at most ${MAX_BLOB_NAME_CHARS}.`;
  }
  if (LONE_SURROGATE.test(name)) {
    return 'The blob name is not valid Unicode (it has a lone surrogate).';
  }
  const notAllowed = NOT_ALLOWED.exec(name)?.[0];
  if (notAllowed !== undefined) {
    const codePoint = notAllowed.codePointAt(0) ?? 0;
    return `The blob name has U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}, a character Azure does not allow in names.`;
  }
  if (name.includes('\\')) {
    return 'The blob name has a "\\", which storage URLs turn into "/".';
  }
  const segments = name.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return 'The blob name has a "." or ".." path segment, which storage URLs resolve to another blob.';
  }
  if (segments.some((segment) => segment.length === 0)) {
    return 'The blob name has an empty path segment (a leading, trailing or doubled "/").';
  }
  return undefined;
}
