import type { BatchQueues } from './BatchQueues';

/** Batch settings (`MEDIA_BATCH_*`). */
export interface BatchSettings {
  /** The item queue (`MEDIA_BATCH_QUEUE`) and the plan, finalize and poison queues named after it. */
  queues: BatchQueues;
  /**
   * `MEDIA_BATCH_PAGE_SIZE`: blobs listed (or manifest lines read) per planner invocation, and item documents
   * per finalizer invocation (one block of each output file), at most 5000.
   */
  planPageSize: number;
  /** Counter shards per batch: more shards, fewer If-Match conflicts (status lists them in one request). */
  counterShards: number;
  /** Keep equal to `extensions.queues.maxDequeueCount` in host.json: the last delivery records instead of throwing. */
  maxDequeueCount: number;
  /** `MEDIA_BATCH_CONTAINERS`: the only containers a batch's `container`, `manifest` or manifest lines may name. */
  containers: readonly string[];
}
