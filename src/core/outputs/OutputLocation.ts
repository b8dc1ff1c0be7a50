/** Where a blob's outcome document goes: exactly one of `resultName` or `errorName` ends up existing. */
export interface OutputLocation {
  container: string;
  resultName: string;
  errorName: string;
}

/** `<output container>/<name>.json` and `<name>.error.json`, the trigger's layout. */
export function defaultOutputLocation(outputContainer: string, blobName: string): OutputLocation {
  return { container: outputContainer, resultName: `${blobName}.json`, errorName: `${blobName}.error.json` };
}
