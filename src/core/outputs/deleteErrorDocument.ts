import type { BlobStore } from '../ports/BlobStore';
import type { SourceInfo } from './documents';
import { documentBelongsTo } from './documentBelongsTo';
import type { OutputLocation } from './OutputLocation';

/** Deletes the error document of this input, never another's, and only the version read (If-Match). */
export async function deleteErrorDocument(
  blobs: BlobStore,
  location: OutputLocation,
  source: SourceInfo,
): Promise<void> {
  const error = await blobs.readJson(location.container, location.errorName);
  if (error === undefined || !documentBelongsTo(error.value, source)) return;
  await blobs.deleteIfExists(location.container, location.errorName, { ifMatch: error.etag });
}
