import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BlobAccessOptions } from './BlobAccessOptions';
import { containerAccessProblem } from './containerAccessProblem';

/**
 * The container half of `authorizeBlobReference`, alone for a batch over a whole container: allowlisted and
 * readable at all (`containerAccessProblem`), checked before any storage call.
 *
 * @throws MediaCompletionsError `blob_not_allowed`, with one message for every refused container: whether it
 *   exists is not the caller's business.
 */
export function authorizeContainer(container: string, options: BlobAccessOptions, where: string): void {
  if (!options.allowed.includes(container) || containerAccessProblem(container, options.outputContainer)) {
    throw new MediaCompletionsError(
      'blob_not_allowed',
      `${where}: container "${container.slice(0, 63)}" is not one this endpoint reads from.`,
    );
  }
}
