import { createHash } from 'node:crypto';
import { blobNameProblem } from './blobNameProblem';
import type { OutputLocation } from './OutputLocation';

/** Folder, inside the output container, for documents whose natural name storage cannot hold. */
export const HASHED_NAMES_FOLDER = 'hashed-names';

/**
 * The location itself when both document names are usable blob names; otherwise names derived from a SHA-256 of
 * the result name, in the same container. Without this, an input named close to the 1,024-character limit (or
 * with `..` segments) could never get its document written: every delivery would call the model again, then
 * fail, until the host gave up, and the document would still be missing. The documents keep the full source
 * name in `source.name`.
 */
export function safeOutputLocation(location: OutputLocation): OutputLocation {
  if (
    blobNameProblem(location.resultName) === undefined &&
    blobNameProblem(location.errorName) === undefined
  ) {
    return location;
  }
  const hash = createHash('sha256').update(location.resultName).digest('hex');
  return {
    container: location.container,
    resultName: `${HASHED_NAMES_FOLDER}/${hash}.json`,
    errorName: `${HASHED_NAMES_FOLDER}/${hash}.error.json`,
  };
}
