import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { Analyzer } from './Analyzer';
import type { Analyzers } from './Analyzers';

export interface AnalyzerChoice {
  /** A name the caller gave (metadata, HTTP, batch, CLI): untrusted, refused when unknown. */
  requested?: string | undefined;
  /** The blob name, for routing by `match` prefix; absent (HTTP): the default analyzer. */
  blobName?: string;
}

/**
 * The analyzer for one input: the one `requested` names, else the one whose `match` prefix is the longest prefix
 * of the blob name, else the default. `undefined` when none applies (no analyzers, or no match and no default):
 * the app settings alone then decide.
 *
 * @throws MediaCompletionsError with `code` (`invalid_override` for blob metadata, `unknown_analyzer` for the
 *   HTTP and batch APIs), not retryable, when `requested` names no analyzer.
 */
export function selectAnalyzer(
  analyzers: Analyzers | undefined,
  choice: AnalyzerChoice,
  code: 'invalid_override' | 'unknown_analyzer',
): Analyzer | undefined {
  if (choice.requested !== undefined) {
    const name = choice.requested.trim();
    const found = analyzers?.byName.get(name);
    if (found !== undefined) return found;
    const known =
      analyzers === undefined ? 'none are configured' : `known: ${[...analyzers.byName.keys()].join(', ')}`;
    throw new MediaCompletionsError(
      code,
      `Unknown analyzer "${name.slice(0, 64)}" (${known}).`.slice(0, 600),
    );
  }
  if (analyzers === undefined) return undefined;
  const { blobName } = choice;
  let best: { analyzer: Analyzer; length: number } | undefined;
  if (blobName !== undefined) {
    for (const analyzer of analyzers.byName.values()) {
      for (const prefix of analyzer.match) {
        if (blobName.startsWith(prefix) && prefix.length > (best?.length ?? -1)) {
          best = { analyzer, length: prefix.length };
        }
      }
    }
  }
  return best?.analyzer ?? analyzers.default;
}
