import type { BatchStatus } from './BatchRecord';

/** What `GET /api/batches/{id}` answers: the OpenAI Batch object's shape, for our inputs and outputs. */
export interface BatchView {
  id: string;
  object: 'batch';
  status: BatchStatus;
  input: { container: string; prefix: string | null } | { manifest: string };
  /** The analyzer the batch was created with, when it named one. */
  analyzer?: string;
  output_container: string;
  /** Set once the batch is completed or cancelled. */
  output_file: string | null;
  error_file: string | null;
  request_counts: { total: number; completed: number; failed: number; cancelled: number };
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  errors: { code: string; message: string }[];
  /** Unix seconds, like the Batch API; `null` until the state is reached. */
  created_at: number;
  in_progress_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
}
