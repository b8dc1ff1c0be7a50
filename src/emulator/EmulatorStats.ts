import type { ReceivedRequest } from './ReceivedRequest';

export interface EmulatorStats {
  /** Every request received, on any route. */
  requests: number;
  /** Requests to a chat completions route. */
  chatCompletions: number;
  /** Counts by status code (`"200"`, `"429"`, ...) and `reset` / `hang`. */
  byStatus: Record<string, number>;
  /** The most recent requests (at most 1000), oldest first. */
  received: ReceivedRequest[];
}
