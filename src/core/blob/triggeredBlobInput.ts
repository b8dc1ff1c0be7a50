import type { BlobStore } from '../ports/BlobStore';
import type { ProcessBlobInput } from './processBlob';

/** What a blob trigger delivered: the bytes (when the host bound them) and the ETag its metadata named. */
export interface BlobDelivery {
  container: string;
  name: string;
  /** The bound content: used only as a `Uint8Array`. */
  content: unknown;
  /** Quoted, as storage reports it (`"0x8DC…"`); undefined when the metadata named none. */
  etag: string | undefined;
}

/**
 * `processBlob`'s input for a delivered blob: its current properties (none when it is gone, and `processBlob`
 * reports `gone`), and the delivered bytes only when they are provably the version just read (same ETag, same
 * length): otherwise `processBlob` downloads that version with `If-Match`, so a blob replaced between the event
 * and this run is never processed under the wrong ETag.
 */
export async function triggeredBlobInput(
  blobs: BlobStore,
  delivery: BlobDelivery,
): Promise<ProcessBlobInput> {
  const { container, name, content, etag } = delivery;
  const properties = await blobs.getProperties(container, name);
  if (properties === undefined) return { container, name };
  const provablyRead =
    content instanceof Uint8Array && etag === properties.etag && content.length === properties.size;
  return provablyRead ? { container, name, properties, content } : { container, name, properties };
}
