/** The fields every chat completion answer and stream chunk repeats. */
export interface CompletionIdentity {
  /** `chatcmpl-<request id>`. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}
