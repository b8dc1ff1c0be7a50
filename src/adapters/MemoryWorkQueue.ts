import type { WorkQueue } from '../core/ports/WorkQueue';

/**
 * An in-process WorkQueue for the CLI's local batch: the handlers enqueue follow-up work exactly as they do in
 * Azure, and the CLI drains it. Messages are copied through JSON, as a real queue would.
 */
export class MemoryWorkQueue implements WorkQueue {
  private readonly queues = new Map<string, unknown[]>();

  send(queue: string, message: object): Promise<void> {
    this.messages(queue).push(JSON.parse(JSON.stringify(message)) as unknown);
    return Promise.resolve();
  }

  createIfNotExists(queue: string): Promise<void> {
    this.messages(queue);
    return Promise.resolve();
  }

  /** The oldest message of `queue`, removed; `undefined` when it is empty. */
  take(queue: string): unknown {
    return this.messages(queue).shift();
  }

  size(queue: string): number {
    return this.messages(queue).length;
  }

  private messages(queue: string): unknown[] {
    let messages = this.queues.get(queue);
    if (messages === undefined) {
      messages = [];
      this.queues.set(queue, messages);
    }
    return messages;
  }
}
