import { CLAIMS_FOLDER } from './claimBlobName';
import { documentLocation } from './documentLocation';

/** Where a blob's outcome document goes: exactly one of `resultName` or `errorName` ends up existing. */
export interface OutputLocation {
  container: string;
  resultName: string;
  errorName: string;
}

/** Top-level folders of the output container that hold other things than trigger documents. */
const RESERVED_FOLDERS = ['batches', CLAIMS_FOLDER, 'http'];

/**
 * `<output container>/<name>.json` and `<name>.error.json`, the trigger's layout, made injective by
 * `documentLocation` (names ending in `.error`, unusable names and names under a reserved folder differ).
 */
export function defaultOutputLocation(outputContainer: string, blobName: string): OutputLocation {
  return documentLocation(outputContainer, '', blobName, RESERVED_FOLDERS);
}
