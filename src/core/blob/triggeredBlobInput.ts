import type { ProcessBlobInput } from './processBlob';

/** What a blob trigger delivered: the bytes (when the host bound them) and what its metadata said of them. */
export interface BlobDelivery {
  container: string;
  name: string;
  /** The bound content: used only as a `Uint8Array`. */
  content: unknown;
  /** Quoted, as storage reports it (`"0x8DC…"`); undefined when the metadata named none as text. */
  etag: string | undefined;
  /** The size the metadata named (`length` or `contentLength`, by host), in bytes. */
  length: number | undefined;
  contentType: string | undefined;
  /** The blob's metadata as delivered; undefined when the host sent none (then it is read). */
  metadata: Record<string, string> | undefined;
}

/**
 * `processBlob`'s input for a delivered blob. When the delivery describes its bytes completely (a text ETag, a
 * length equal to the bytes', the blob's metadata), they are used as that version: the host read bytes and
 * properties together, and a HEAD here would cost a request without proving any more (the blob may change right
 * after it too). Otherwise (real hosts have sent `eTag: {}`) only the name is passed, and `processBlob` reads
 * properties and bytes in one request: one read of the source is then unavoidable.
 */
export function triggeredBlobInput(delivery: BlobDelivery): ProcessBlobInput {
  const { container, name, content, etag, length, contentType, metadata } = delivery;
  if (
    !(content instanceof Uint8Array) ||
    etag === undefined ||
    length !== content.length ||
    metadata === undefined
  ) {
    return { container, name };
  }
  return { container, name, properties: { etag, contentType, size: content.length, metadata }, content };
}
