import type { CompletionOverrides } from '../completion/CompletionOverrides';

/** The OpenAI Batch status vocabulary. */
export type BatchStatus =
  'validating' | 'in_progress' | 'finalizing' | 'completed' | 'failed' | 'cancelling' | 'cancelled';

export type BatchSource =
  | { kind: 'container'; container: string; prefix: string | undefined }
  /** `etag` pins the manifest version: a manifest replaced during planning fails the batch. */
  | { kind: 'manifest'; container: string; name: string; etag: string };

export interface BatchCounts {
  completed: number;
  failed: number;
  /** Items not started because the batch was cancelled; included in `failed` (they are in errors.jsonl). */
  cancelled: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * `batches/<id>/batch.json`: the definition and the batch-level state, replaced with If-Match only. Item
 * progress is not here (it would make this blob a hot spot): it lives in the counter shards.
 */
export interface BatchRecord {
  schemaVersion: 1;
  id: string;
  source: BatchSource;
  overrides: CompletionOverrides;
  /** The analyzer the request named for every item (its outputs go to outputs.csv); absent: none. */
  analyzer?: string;
  /**
   * The analyzers with an output schema when the batch was created, each with its outputs.csv columns (`null`:
   * the schema does not fit one row); see `batchOutputColumns`. Absent in records from before structured
   * outputs: the finalizer then reads the configuration of its own time.
   */
  outputColumns?: Record<string, string[] | null>;
  outputContainer: string;
  counterShards: number;
  status: BatchStatus;
  /** Items enqueued so far and the planner pages done. */
  planned: number;
  plannedPages: number;
  /** Set when planning ended (every item is enqueued). */
  total: number | null;
  /** The one transition that enqueued the finalizer, so it runs once per batch. */
  finalizeQueued: boolean;
  errors: { code: string; message: string }[];
  createdAt: string;
  inProgressAt: string | null;
  finalizingAt: string | null;
  completedAt: string | null;
  failedAt: string | null;
  cancellingAt: string | null;
  cancelledAt: string | null;
  /** The counts as the finalizer saw them; from then on status needs no shard reads. */
  finalCounts: BatchCounts | null;
}
