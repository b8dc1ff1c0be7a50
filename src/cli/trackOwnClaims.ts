import { CLAIMS_FOLDER } from '../core/outputs/claimBlobName';
import type { BlobStore } from '../core/ports/BlobStore';

export interface OwnClaims {
  /** The store to run the pipeline with: the same, noting each claim this process writes or releases. */
  blobs: BlobStore;
  /** Deletes every claim this process still holds (If-Match: never one a later taker holds); returns how many. */
  releaseAll(): Promise<number>;
}

/**
 * Keeps track of the claims (`claims/*.claim`) this process holds, so that an interrupted run can give them
 * back instead of leaving them to expire: a re-run then starts at once instead of reporting `in_progress`.
 */
export function trackOwnClaims(blobs: BlobStore): OwnClaims {
  const held = new Map<string, { container: string; name: string; etag: string }>();
  const key = (container: string, name: string): string => `${container}/${name}`;
  const isClaim = (name: string): boolean => name.startsWith(`${CLAIMS_FOLDER}/`) && name.endsWith('.claim');
  const tracked: BlobStore = {
    getProperties: (container, name) => blobs.getProperties(container, name),
    download: (container, name, options) => blobs.download(container, name, options),
    upload: (container, name, data, options) => blobs.upload(container, name, data, options),
    readJson: (container, name) => blobs.readJson(container, name),
    listPage: (container, options) => blobs.listPage(container, options),
    createContainerIfNotExists: (container) => blobs.createContainerIfNotExists(container),
    async writeJson(container, name, value, condition) {
      const result = await blobs.writeJson(container, name, value, condition);
      if (result.written && isClaim(name))
        held.set(key(container, name), { container, name, etag: result.etag });
      return result;
    },
    async deleteIfExists(container, name, options) {
      const deleted = await blobs.deleteIfExists(container, name, options);
      if (isClaim(name)) held.delete(key(container, name));
      return deleted;
    },
  };
  return {
    blobs: tracked,
    async releaseAll() {
      const claims = [...held.values()];
      held.clear();
      const released = await Promise.all(
        claims.map((claim) =>
          blobs.deleteIfExists(claim.container, claim.name, { ifMatch: claim.etag }).catch(() => false),
        ),
      );
      return released.filter(Boolean).length;
    },
  };
}
