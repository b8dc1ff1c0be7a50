import type { QueueServiceClient } from '@azure/storage-queue';

/** Receives (and deletes) every message of queue `name`, as the host would hand them over: decoded JSON. */
export async function receiveAllMessages(queues: QueueServiceClient, name: string): Promise<unknown[]> {
  const client = queues.getQueueClient(name);
  const messages: unknown[] = [];
  for (;;) {
    const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return messages;
    for (const message of receivedMessageItems) {
      messages.push(JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')));
      await client.deleteMessage(message.messageId, message.popReceipt);
    }
  }
}
