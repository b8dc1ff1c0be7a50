import type { QueueServiceClient } from '@azure/storage-queue';
import { isRestError } from '@azure/core-rest-pipeline';
import { MediaCompletionsError } from '../core/errors/MediaCompletionsError';
import type { WorkQueue } from '../core/ports/WorkQueue';

/**
 * The WorkQueue port on @azure/storage-queue. Messages are base64 of the JSON text, the encoding the Functions
 * queue trigger expects by default (`extensions.queues.messageEncoding`).
 */
export class AzureWorkQueue implements WorkQueue {
  constructor(private readonly service: QueueServiceClient) {}

  async send(queue: string, message: object, options: { delaySeconds?: number } = {}): Promise<void> {
    const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
    const client = this.service.getQueueClient(queue);
    const send = () =>
      client.sendMessage(
        text,
        options.delaySeconds === undefined ? {} : { visibilityTimeout: options.delaySeconds },
      );
    try {
      try {
        await send();
      } catch (error) {
        // The plan and finalize queues exist only once used; create on first send rather than on every send.
        if (!isRestError(error) || error.statusCode !== 404) throw error;
        await client.createIfNotExists();
        await send();
      }
    } catch (error) {
      throw queueError(error, `send to queue ${queue}`);
    }
  }

  async createIfNotExists(queue: string): Promise<void> {
    try {
      await this.service.getQueueClient(queue).createIfNotExists();
    } catch (error) {
      throw queueError(error, `create queue ${queue}`);
    }
  }
}

function queueError(error: unknown, action: string): MediaCompletionsError {
  const status = isRestError(error) ? error.statusCode : undefined;
  return new MediaCompletionsError('storage_error', `Could not ${action}: HTTP ${status ?? 'n/a'}.`, {
    retryable: status === undefined || status === 408 || status === 429 || status >= 500,
    cause: error,
  });
}
