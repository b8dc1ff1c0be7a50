import type { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { claimBlobName } from '../../src/core/outputs/claimBlobName';

/**
 * Writes the claim another delivery would have left on `<name>.json` in `output` (unconditionally), claimed at
 * `now` and expiring at `expiresAt` (epoch ms).
 */
export function writeClaim(
  blobs: AzureBlobStore,
  where: { input: string; output: string },
  source: { name: string; etag: string },
  times: { now: number; expiresAt: number },
): Promise<unknown> {
  return blobs.writeJson(
    where.output,
    claimBlobName(`${source.name}.json`),
    {
      schemaVersion: 1,
      resultName: `${source.name}.json`,
      source: { container: where.input, name: source.name, etag: source.etag },
      claimedAt: new Date(times.now).toISOString(),
      expiresAt: new Date(times.expiresAt).toISOString(),
    },
    undefined,
  );
}
