/**
 * Storage queues as the batch uses them: only sending. Receiving, deleting and poisoning belong to the
 * Functions host (or a local queue host), which invokes the handlers.
 */
export interface WorkQueue {
  /** Sends one JSON message; `delaySeconds` keeps it invisible that long. */
  send(queue: string, message: object, options?: { delaySeconds?: number }): Promise<void>;
  createIfNotExists(queue: string): Promise<void>;
}
