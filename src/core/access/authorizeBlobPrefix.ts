import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { blobNameProblem } from '../outputs/blobNameProblem';
import { percentDecoded } from './percentDecoded';

/**
 * Checks a listing prefix the same way: a prefix only filters a listing (it is a query parameter, never a
 * path), but one that no allowed blob name could start with is refused rather than silently matching nothing.
 *
 * @throws MediaCompletionsError `invalid_blob_name`.
 */
export function authorizeBlobPrefix(prefix: string, where: string): string {
  if (prefix === '') return prefix;
  // A prefix may end in "/" (a folder); the rest follows the blob-name rules.
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = blobNameProblem(body) ?? blobNameProblem(percentDecoded(body));
  if (problem !== undefined) throw new MediaCompletionsError('invalid_blob_name', `${where}: ${problem}`);
  return prefix;
}
