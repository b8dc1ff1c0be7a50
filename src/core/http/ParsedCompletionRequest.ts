import type { AnalyzerOutput } from '../analyzers/Analyzer';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import type { RequestMedia } from './RequestMedia';

export interface ParsedCompletionRequest {
  media: RequestMedia[];
  /**
   * Untrusted: validated against the caps by the core (`invalid_override`). `prompt` is always set when no
   * analyzers are configured; `analyzer` is a name still to look up (`unknown_analyzer`).
   */
  overrides: CompletionOverrides;
  /** An ad-hoc structured output (JSON bodies only), its schema compiled already. */
  output?: AnalyzerOutput;
  save: boolean;
  stream: boolean;
}
