import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { deliverBlob } from './deliverBlob';
import type { FunctionsHarness } from './functionsHarness';

/**
 * Uploads `bytes` to the harness's input container, invokes the blob trigger as the host does (the bytes plus the
 * trigger metadata) and returns the document written: the result document, else the error document.
 */
export async function deliverToBlobTrigger(
  harness: FunctionsHarness,
  processMediaBlob: typeof ProcessMediaBlob,
  name: string,
  bytes: Buffer,
): Promise<unknown> {
  await deliverBlob(harness, processMediaBlob, name, bytes);
  const found =
    (await harness.blobs.readJson(harness.output, `${name}.json`)) ??
    (await harness.blobs.readJson(harness.output, `${name}.error.json`));
  return found?.value;
}
