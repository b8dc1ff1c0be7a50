import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import type { FunctionsHarness } from './functionsHarness';

/**
 * Uploads `bytes` to the harness's input container, invokes the blob trigger as the host does (the bytes plus the
 * trigger metadata) and returns the document written: the result document, else the error document.
 */
export async function deliverToBlobTrigger(
  h: FunctionsHarness,
  processMediaBlob: typeof ProcessMediaBlob,
  name: string,
  bytes: Buffer,
): Promise<unknown> {
  const { etag } = await h.blobs.upload(h.input, name, bytes);
  await processMediaBlob(
    bytes,
    h.context('processMediaBlob', {
      name,
      blobTrigger: `${h.input}/${name}`,
      properties: { eTag: etag.replaceAll('"', ''), length: bytes.length },
      metadata: {},
    }),
  );
  const found =
    (await h.blobs.readJson(h.output, `${name}.json`)) ??
    (await h.blobs.readJson(h.output, `${name}.error.json`));
  return found?.value;
}
