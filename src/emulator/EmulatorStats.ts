/** A received media item as stats report it: metadata and a short hash, never the bytes or a full URL. */
export interface MediaSummary {
  kind: 'image' | 'audio';
  source: 'data' | 'url';
  mimeType?: string;
  bytes?: number;
  sha256?: string;
  width?: number;
  height?: number;
  /** Images: EXIF orientation, when present. */
  orientation?: number;
  /** Images: colour space (`srgb`, `b-w`, `cmyk`, ...). */
  space?: string;
  durationSeconds?: number;
  urlHost?: string;
}

export interface RequestSummary {
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

export interface EmulatorStats {
  /** Every request received, on any route. */
  requests: number;
  /** Requests to a chat completions route. */
  chatCompletions: number;
  /** Counts by status code (`"200"`, `"429"`, ...) and `reset` / `hang`. */
  byStatus: Record<string, number>;
  /** The most recent requests (at most 1000), oldest first. */
  received: RequestSummary[];
}
