/**
 * Per-file or per-request settings from untrusted input (blob metadata, an HTTP body, a batch manifest).
 * Every field is validated against the caps in PipelineSettings before use.
 */
export interface CompletionOverrides {
  prompt?: string;
  system?: string;
  detail?: string;
  /** A number or its decimal string (blob metadata values are strings). */
  maxTokens?: number | string;
  model?: string;
  /** An analyzer by name (blob metadata, a batch or its manifest line, the CLI); refused when unknown. */
  analyzer?: string;
}
