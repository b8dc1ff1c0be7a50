import type { InvocationContext } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import { runQueueWorker } from '../../src/cli/runQueueWorker';
import { testConnectionString, uniqueName } from '../support/storage';

const service = QueueServiceClient.fromConnectionString(testConnectionString());
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

describe('runQueueWorker (the local queue host)', () => {
  it('invokes like the host: decoded JSON, dequeueCount; deletes on success, redelivers, then poisons', async () => {
    const queue = uniqueName('qh');
    const client = service.getQueueClient(queue);
    await client.create();
    await client.sendMessage(encode({ ok: true }));
    await client.sendMessage(encode({ ok: false }));
    const seen: { message: unknown; dequeueCount: unknown; id: unknown }[] = [];
    const handler = (message: unknown, context: InvocationContext): Promise<void> => {
      seen.push({
        message,
        dequeueCount: context.triggerMetadata?.dequeueCount,
        id: context.triggerMetadata?.id,
      });
      return (message as { ok: boolean }).ok ? Promise.resolve() : Promise.reject(new Error('always fails'));
    };
    const stats = await runQueueWorker({
      service,
      bindings: [{ queue, functionName: 'test', handler }],
      maxDequeueCount: 3,
      visibilityTimeoutSeconds: 30,
      concurrency: 4,
      pollIntervalMs: 20,
      idleExitMs: 300,
    });
    expect(stats).toEqual({ invocations: 4, failures: 3, poisoned: 1 });
    const failing = seen.filter((entry) => !(entry.message as { ok: boolean }).ok);
    expect(failing.map((entry) => entry.dequeueCount)).toEqual([1, 2, 3]);
    expect(new Set(failing.map((entry) => entry.id)).size).toBe(1);
    expect((await client.getProperties()).approximateMessagesCount).toBe(0);
    const { receivedMessageItems } = await service
      .getQueueClient(`${queue}-poison`)
      .receiveMessages({ numberOfMessages: 32 });
    expect(receivedMessageItems.map((item) => item.messageText)).toEqual([encode({ ok: false })]);
  });
});
