import type { Analyzer } from './Analyzer';

/** The configured analyzers (`MEDIA_ANALYZERS` or its file), validated at start. */
export interface Analyzers {
  /** By name; never empty (no analyzers at all is `undefined` in the settings). */
  byName: ReadonlyMap<string, Analyzer>;
  /** Takes what no `match` prefix takes; unset: such inputs run with the app settings alone. */
  default: Analyzer | undefined;
}
