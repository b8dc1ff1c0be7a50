import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { BlobAccessOptions } from './BlobAccessOptions';
import { blobNameProblem } from '../outputs/blobNameProblem';
import { authorizeContainer } from './authorizeContainer';
import { percentDecoded } from './percentDecoded';

export interface BlobReference {
  container: string;
  name: string;
}

/**
 * The one authorization step for every storage reference a caller supplies (HTTP `blob` items, batch
 * `container`/`manifest`, every manifest line): `"<container>/<name>"` (or a container and a name) is allowed
 * only when the container is allowlisted and may be read at all (`containerAccessProblem`) and the name passes
 * `blobNameProblem` both as given and percent-decoded (so `%2e%2e%2f` is no way round it). Runs before any
 * storage call, so a refused reference tells nothing about what exists.
 *
 * @throws MediaCompletionsError `blob_not_allowed` (container) or `invalid_blob_name` (name), not retryable.
 */
export function authorizeBlobReference(
  reference: string | BlobReference,
  options: BlobAccessOptions,
  where: string,
): BlobReference {
  let container: string;
  let name: string;
  if (typeof reference === 'string') {
    const slash = reference.indexOf('/');
    container = slash < 0 ? '' : reference.slice(0, slash);
    name = slash < 0 ? '' : reference.slice(slash + 1);
  } else {
    ({ container, name } = reference);
  }
  authorizeContainer(container, options, where);
  const problem = blobNameProblem(name) ?? blobNameProblem(percentDecoded(name));
  if (problem !== undefined) {
    throw new MediaCompletionsError('invalid_blob_name', `${where}: ${problem}`);
  }
  return { container, name };
}
