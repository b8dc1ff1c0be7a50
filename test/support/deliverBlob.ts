import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import type { FunctionsHarness } from './functionsHarness';

export interface DeliverBlobOptions {
  /** Upload `bytes` first (the default); `false` redelivers the version already stored. */
  upload?: boolean;
  contentType?: string;
  metadata?: Record<string, string>;
  /** The trigger's `properties` as a host shape under test; default: the stored version's `eTag` and `length`. */
  properties?: Record<string, unknown>;
}

/**
 * Invokes the blob trigger as the host does: the bytes plus the trigger metadata (`name`, `blobTrigger`, `uri`,
 * `properties`, `metadata`) of a blob in the harness's input container, uploaded first unless `upload: false`.
 */
export async function deliverBlob(
  harness: FunctionsHarness,
  processMediaBlob: typeof ProcessMediaBlob,
  name: string,
  bytes: Uint8Array,
  options: DeliverBlobOptions = {},
): Promise<void> {
  const properties = options.properties ?? {
    eTag: (await storedEtag(harness, name, bytes, options)).replaceAll('"', ''),
    length: bytes.length,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  };
  await processMediaBlob(
    bytes,
    harness.context('processMediaBlob', {
      name,
      blobTrigger: `${harness.input}/${name}`,
      uri: `http://127.0.0.1/devstoreaccount1/${harness.input}/${name.split('/').map(encodeURIComponent).join('/')}`,
      properties,
      metadata: options.metadata ?? {},
    }),
  );
}

async function storedEtag(
  harness: FunctionsHarness,
  name: string,
  bytes: Uint8Array,
  options: DeliverBlobOptions,
): Promise<string> {
  if (options.upload === false) {
    const stored = await harness.blobs.getProperties(harness.input, name);
    if (stored === undefined) throw new Error(`No blob ${harness.input}/${name} to redeliver.`);
    return stored.etag;
  }
  const { etag } = await harness.blobs.upload(harness.input, name, bytes, {
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  });
  return etag;
}
