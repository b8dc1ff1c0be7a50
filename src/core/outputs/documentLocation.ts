import { createHash } from 'node:crypto';
import { blobNameProblem } from './blobNameProblem';
import type { OutputLocation } from './OutputLocation';

/** Folder, inside a document folder, for documents whose natural name is unusable or reserved. */
export const HASHED_NAMES_FOLDER = 'hashed-names';

/** Keys whose natural result name could be another key's error name: `<key>.json` = `<other>.error.json`. */
const ERROR_LIKE = /\.error~*$/;

/**
 * The two document names of one input, injective over every pair of keys (blob names or custom_ids):
 * - `<folder><key>.json` for a result and `<folder><key>.error.json` for an error, the natural layout;
 * - a key ending in `.error` (then any number of `~`) gets its result as `<key>~.json`: otherwise the result of
 *   `X.error` would be the error document of `X`. The escape keeps that class closed (`X.error~` is escaped too),
 *   so no escaped name equals a natural one;
 * - a key that is not a usable blob name (`blobNameProblem`), whose first segment is `hashed-names` or one of
 *   `reserved` (folders the container uses for other things), or whose document names would be too long goes to
 *   `<folder>hashed-names/<sha256 of "<folder><key>.json">.json` / `.error.json`; natural names never start with
 *   `hashed-names/`, so the two layouts cannot meet.
 * Documents record the full key in `source.name` (or the batch's `keys/`), never only in the name.
 */
export function documentLocation(
  container: string,
  folder: string,
  key: string,
  reserved: readonly string[] = [],
): OutputLocation {
  const first = key.split('/', 1)[0] ?? '';
  const resultName = `${folder}${key}${ERROR_LIKE.test(key) ? '~' : ''}.json`;
  const errorName = `${folder}${key}.error.json`;
  if (
    blobNameProblem(key) === undefined &&
    first !== HASHED_NAMES_FOLDER &&
    !reserved.includes(first) &&
    blobNameProblem(resultName) === undefined &&
    blobNameProblem(errorName) === undefined
  ) {
    return { container, resultName, errorName };
  }
  const hash = hashedKey(folder, key);
  return {
    container,
    resultName: `${folder}${HASHED_NAMES_FOLDER}/${hash}.json`,
    errorName: `${folder}${HASHED_NAMES_FOLDER}/${hash}.error.json`,
  };
}

/** The hash naming a key's documents when they are hashed (the SHA-256 of its natural result name, hex). */
export function hashedKey(folder: string, key: string): string {
  return createHash('sha256').update(`${folder}${key}.json`).digest('hex');
}

/**
 * The key a natural document name was made from, or `undefined` for a hashed name (its key is not in the name).
 * `name` is relative to the folder.
 */
export function keyOfDocumentName(name: string): string | undefined {
  if (name.startsWith(`${HASHED_NAMES_FOLDER}/`)) return undefined;
  if (name.endsWith('.error.json')) return name.slice(0, -'.error.json'.length);
  const key = name.slice(0, -'.json'.length);
  return key.endsWith('~') && ERROR_LIKE.test(key) ? key.slice(0, -1) : key;
}
