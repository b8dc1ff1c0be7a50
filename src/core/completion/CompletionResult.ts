import type { MediaInfo } from '../media/MediaInfo';
import type { RequestSummary } from './RequestSummary';
import type { SentMedia } from './SentMedia';

/** A successful completion, reduced to what documents and responses record. */
export interface CompletionResult {
  /** The media as given. */
  media: MediaInfo[];
  /** The media as sent, one per item (after any downscaling). */
  sent: SentMedia[];
  request: RequestSummary;
  /** The model that answered (versioned, e.g. `gpt-4o-2024-05-13`), as the service reports it. */
  model: string | null;
  /** `null` when the model refused (see `refusal`) or sent no text. */
  completion: string | null;
  /** The model's refusal (`message.refusal`), when it declined to answer; its `content` is then empty. */
  refusal?: string;
  /** `stop`, `length`, `content_filter`, ... as the service reports it. */
  finishReason: string | null;
  /** Categories the content filter flagged in the answer (`content_filter_results`), when any were. */
  filteredCategories?: string[];
  /** The analyzer that ran (when analyzers are configured and one applied). */
  analyzer?: string;
  /** The structured output: the completion parsed as JSON and valid against the output schema. */
  output?: unknown;
  /** The service's usage object, verbatim. */
  usage: unknown;
  requestId: string | null;
  /** Model attempts, retries included. */
  attempts: number;
  /** Time spent in model calls and retry waits. */
  modelMs: number;
}
