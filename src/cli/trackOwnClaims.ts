import { claimBlobName, CLAIMS_FOLDER } from '../core/outputs/claimBlobName';
import type { OutputLocation } from '../core/outputs/OutputLocation';
import type { BlobStore } from '../core/ports/BlobStore';

export interface OwnClaims {
  /** The store to run the pipeline with: the same, noting each claim this process writes or releases. */
  blobs: BlobStore;
  /**
   * Deletes every claim this process holds or is writing (If-Match: never one a later taker holds), and takes no
   * new one afterwards; returns how many were deleted.
   */
  releaseAll(): Promise<number>;
  /**
   * Stops tracking the claim of an input whose run returned: its claim was released, or it stays beside the
   * document it guards (see `processBlob`) and is not this run's to give back. Keeps a long run's memory flat.
   */
  settled(location: OutputLocation): void;
}

/**
 * Keeps track of the claims (`claims/*.claim`) this process holds, so that an interrupted run can give them
 * back instead of leaving them to expire: a re-run then starts at once instead of reporting `in_progress`.
 */
export function trackOwnClaims(blobs: BlobStore): OwnClaims {
  const held = new Map<string, { container: string; name: string; etag: string }>();
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const key = (container: string, name: string): string => `${container}/${name}`;
  const isClaim = (name: string): boolean => name.startsWith(`${CLAIMS_FOLDER}/`) && name.endsWith('.claim');
  const tracked: BlobStore = {
    getProperties: (container, name) => blobs.getProperties(container, name),
    download: (container, name, options) => blobs.download(container, name, options),
    readBlob: (container, name, options) => blobs.readBlob(container, name, options),
    upload: (container, name, data, options) => blobs.upload(container, name, data, options),
    readJson: (container, name) => blobs.readJson(container, name),
    listPage: (container, options) => blobs.listPage(container, options),
    createContainerIfNotExists: (container) => blobs.createContainerIfNotExists(container),
    async writeJson(container, name, value, condition, options) {
      if (!isClaim(name)) return blobs.writeJson(container, name, value, condition, options);
      // After releaseAll no new claim is taken: an input still on its way to one stops there.
      if (closed) throw new Error('The run was interrupted; no new claim is taken.');
      const write = blobs.writeJson(container, name, value, condition, options);
      pending.add(write);
      try {
        const result = await write;
        if (result.written) held.set(key(container, name), { container, name, etag: result.etag });
        return result;
      } finally {
        pending.delete(write);
      }
    },
    async deleteIfExists(container, name, options) {
      const deleted = await blobs.deleteIfExists(container, name, options);
      if (isClaim(name)) held.delete(key(container, name));
      return deleted;
    },
  };
  return {
    blobs: tracked,
    settled(location) {
      held.delete(key(location.container, claimBlobName(location.resultName)));
    },
    async releaseAll() {
      closed = true;
      // A claim being written now is ours as soon as storage answers: wait for it, then release it too.
      await Promise.allSettled([...pending]);
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
