import { InvocationContext } from '@azure/functions';
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { setTimeout as delay } from 'node:timers/promises';
import { poisonQueueFor } from '../core/batch/poisonQueueFor';

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<void>;

export interface QueueBinding {
  queue: string;
  functionName: string;
  handler: QueueHandler;
}

export interface QueueWorkerOptions {
  service: QueueServiceClient;
  bindings: readonly QueueBinding[];
  /** Like host.json `queues.maxDequeueCount`: a message that failed this many times goes to `<queue>-poison`. */
  maxDequeueCount: number;
  /** How long a received message stays invisible to other workers while it is processed. */
  visibilityTimeoutSeconds: number;
  /** Like host.json `queues.visibilityTimeout`: how long a failed message waits before it reappears. */
  retryDelaySeconds?: number;
  /** Messages in flight per queue (host.json `batchSize` + `newBatchThreshold`). */
  concurrency: number;
  /** Wait between polls of an empty queue. */
  pollIntervalMs?: number;
  /** Stop once every queue has been empty (and nothing in flight) for this long. Default: run until aborted. */
  idleExitMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface QueueWorkerStats {
  invocations: number;
  failures: number;
  poisoned: number;
}

/**
 * A local Functions queue host: receives messages with a visibility timeout, invokes the handler the way the
 * host does (`InvocationContext` with `triggerMetadata.dequeueCount`, `id`, ...; the message as the parsed JSON
 * object), deletes the message on success, lets it reappear on failure, and moves it to `<queue>-poison` after
 * `maxDequeueCount` deliveries. For tests, benchmarks and local runs without Core Tools.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerStats> {
  const stats: QueueWorkerStats = { invocations: 0, failures: 0, poisoned: 0 };
  const worker: Worker = { options, stats };
  const inFlight = new Set<Promise<void>>();
  const perQueue = new Map<string, number>();
  const poll = options.pollIntervalMs ?? 100;
  let idleSince = Date.now();
  while (options.signal?.aborted !== true) {
    let received = 0;
    for (const binding of options.bindings) {
      const busy = perQueue.get(binding.queue) ?? 0;
      const room = Math.min(32, options.concurrency - busy);
      if (room <= 0) continue;
      const client = options.service.getQueueClient(binding.queue);
      const response = await client.receiveMessages({
        numberOfMessages: room,
        visibilityTimeout: options.visibilityTimeoutSeconds,
      });
      for (const item of response.receivedMessageItems) {
        received++;
        perQueue.set(binding.queue, (perQueue.get(binding.queue) ?? 0) + 1);
        const task = deliver(worker, { binding, client, item }).finally(() => {
          inFlight.delete(task);
          perQueue.set(binding.queue, (perQueue.get(binding.queue) ?? 1) - 1);
        });
        inFlight.add(task);
      }
    }
    if (received > 0 || inFlight.size > 0) idleSince = Date.now();
    else if (options.idleExitMs !== undefined && Date.now() - idleSince >= options.idleExitMs) break;
    if (received === 0) await Promise.race([delay(poll), ...inFlight]);
  }
  await Promise.all(inFlight);
  return stats;
}

interface ReceivedItem {
  messageId: string;
  popReceipt: string;
  messageText: string;
  dequeueCount: number;
  insertedOn: Date;
  expiresOn: Date;
  nextVisibleOn: Date;
}

/** The worker's settings and the counters every delivery updates. */
interface Worker {
  options: QueueWorkerOptions;
  stats: QueueWorkerStats;
}

/** One received message, with the binding it is for and the client that settles it. */
interface Delivery {
  binding: QueueBinding;
  client: QueueClient;
  item: ReceivedItem;
}

async function deliver(worker: Worker, delivery: Delivery): Promise<void> {
  const { options, stats } = worker;
  const { binding, client, item } = delivery;
  if (item.dequeueCount > options.maxDequeueCount) {
    await poison(worker, delivery);
    return;
  }
  const context = new InvocationContext({
    invocationId: `${binding.functionName}-${item.messageId}-${item.dequeueCount}`,
    functionName: binding.functionName,
    triggerMetadata: {
      id: item.messageId,
      dequeueCount: item.dequeueCount,
      popReceipt: item.popReceipt,
      insertionTime: item.insertedOn.toISOString(),
      expirationTime: item.expiresOn.toISOString(),
      nextVisibleTime: item.nextVisibleOn.toISOString(),
    },
    logHandler: (level, ...args) => {
      if (level === 'warning' || level === 'error')
        options.log?.(`[${binding.functionName}] ${args.map(String).join(' ')}`);
    },
  });
  stats.invocations++;
  try {
    await binding.handler(decode(item.messageText), context);
  } catch (error) {
    stats.failures++;
    options.log?.(
      `[${binding.functionName}] delivery ${item.dequeueCount} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (item.dequeueCount >= options.maxDequeueCount) {
      await poison(worker, delivery);
    } else {
      await client.updateMessage(item.messageId, item.popReceipt, undefined, options.retryDelaySeconds ?? 0);
    }
    return;
  }
  await client.deleteMessage(item.messageId, item.popReceipt);
}

async function poison({ options, stats }: Worker, { binding, client, item }: Delivery): Promise<void> {
  const poisonQueue = options.service.getQueueClient(poisonQueueFor(binding.queue));
  await poisonQueue.createIfNotExists();
  await poisonQueue.sendMessage(item.messageText);
  await client.deleteMessage(item.messageId, item.popReceipt);
  stats.poisoned++;
}

/** The host's default `messageEncoding` is base64; a JSON message is given to Node handlers as an object. */
function decode(text: string): unknown {
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : text;
  try {
    return JSON.parse(decoded) as unknown;
  } catch {
    return decoded;
  }
}
