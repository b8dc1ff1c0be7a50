import type { BlobProperties } from '../ports/BlobStore';
import type { SourceInfo } from './documents';

/** A document's `source` for the blob version `properties` describe (before download: no `sha256` yet). */
export function sourceInfo(container: string, name: string, properties: BlobProperties): SourceInfo {
  return {
    container,
    name,
    etag: properties.etag,
    contentType: properties.contentType ?? null,
    size: properties.size,
  };
}
