/** The names of the queues a batch moves through. */
export interface BatchQueues {
  /** `MEDIA_BATCH_QUEUE`: one message per input, processed by `processBatchItem`. */
  item: string;
  /** `<item>-plan`: one message per page of the listing or manifest, processed by `planBatch`. */
  plan: string;
  /** `<item>-finalize`: one message per page of the results file, processed by `finalizeBatch`. */
  finalize: string;
  /** `<item>-poison`: where the host moves an item message after `maxDequeueCount` deliveries. */
  poison: string;
  /** `<item>-plan-poison` and `<item>-finalize-poison`: the same for planner and finalizer messages. */
  planPoison: string;
  finalizePoison: string;
}
