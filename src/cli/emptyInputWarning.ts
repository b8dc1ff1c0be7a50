import { isMediaCompletionsError } from '../core/errors/MediaCompletionsError';
import type { BlobStore } from '../core/ports/BlobStore';

/**
 * A warning when the container holds no blob under `prefix` (or does not exist), else `undefined`. One listing
 * of one item: a run over nothing is most often a mistyped prefix or container, not a finished job.
 */
export async function emptyInputWarning(
  blobs: BlobStore,
  container: string,
  prefix: string | undefined,
): Promise<string | undefined> {
  const where = prefix === undefined || prefix === '' ? `container ${container}` : `${container}/${prefix}*`;
  try {
    const page = await blobs.listPage(container, {
      pageSize: 1,
      ...(prefix === undefined ? {} : { prefix }),
    });
    if (page.items.length > 0) return undefined;
  } catch (error) {
    if (isMediaCompletionsError(error) && error.message.includes('ContainerNotFound')) {
      return `Warning: container ${container} does not exist; nothing to process.\n`;
    }
    throw error;
  }
  return `Warning: no blobs in ${where}; nothing to process (check --container and --prefix).\n`;
}
