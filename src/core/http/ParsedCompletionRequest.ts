import type { CompletionOverrides } from '../completion/CompletionOverrides';
import type { RequestMedia } from './RequestMedia';

export interface ParsedCompletionRequest {
  media: RequestMedia[];
  /** Untrusted: validated against the caps by the core (`invalid_override`). */
  overrides: CompletionOverrides & { prompt: string };
  save: boolean;
  stream: boolean;
}
