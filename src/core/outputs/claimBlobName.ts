import { createHash } from 'node:crypto';

/** Folder, inside the output container, for the short-lived claims of outputs being produced. */
export const CLAIMS_FOLDER = 'claims';

/**
 * `claims/<sha256 of the result name>.claim`: a fixed-length name whatever the length of the input's, outside
 * the documents' names (they end in `.json`), so listings of documents never see claims.
 */
export function claimBlobName(resultName: string): string {
  return `${CLAIMS_FOLDER}/${createHash('sha256').update(resultName).digest('hex')}.claim`;
}
