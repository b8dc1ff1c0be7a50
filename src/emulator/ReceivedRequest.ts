import type { MediaSummary } from './MediaSummary';

/** One request as stats report it: route, status, fault and what it carried, never the payload. */
export interface ReceivedRequest {
  /** The `x-request-id` the answer carried. */
  id: string;
  method: string;
  /** The path without the query string. */
  route: string;
  /** The HTTP status, or `reset` / `hang` when no answer was sent. */
  status: string;
  fault?: string;
  media: MediaSummary[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  stream?: boolean;
}
