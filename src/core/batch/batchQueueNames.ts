/** The batch queues, named after the item queue (`MEDIA_BATCH_QUEUE`). */
export const batchQueueNames = {
  plan: (itemQueue: string): string => `${itemQueue}-plan`,
  finalize: (itemQueue: string): string => `${itemQueue}-finalize`,
  /** The host moves a message here after `maxDequeueCount` deliveries. */
  poison: (itemQueue: string): string => `${itemQueue}-poison`,
};
