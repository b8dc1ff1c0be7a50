import { app, type InvocationContext } from '@azure/functions';
import { isRecord } from '../core/json/isRecord';
import { recordPoisonBlobOrDefer } from '../core/blob/recordPoisonBlobOrDefer';
import { normalizeEtag } from './shared/normalizeEtag';
import { appConfig, batchDeps } from './shared/runtime';

/** The host's name for the queue that receives blobs whose trigger failed `poisonBlobThreshold` times. */
export const BLOB_POISON_QUEUE = 'webjobs-blobtrigger-poison';
/** Keep equal to `extensions.blobs.poisonBlobThreshold` in host.json (a test checks). */
export const POISON_BLOB_THRESHOLD = 5;

/** Our field on a poison message we put back: how many times it was put back. */
const DEFERRALS_FIELD = 'Deferrals';

/**
 * Queue trigger on the poison-blob queue of the trigger's storage account: writes the error document for a
 * blob the host gave up on, so every input still ends with one outcome document. While another delivery holds a
 * live claim for the version, the message goes back on the queue, invisible until the claim lapses, with
 * `Deferrals` counting the put-backs (`recordPoisonBlobOrDefer`), so no invocation waits. Messages of other
 * blob triggers in the app (other containers or functions) are left alone.
 */
export async function poisonBlobs(message: unknown, context: InvocationContext): Promise<void> {
  const entry = parseMessage(message);
  const deps = await batchDeps(context);
  const forUs =
    entry?.containerName === deps.settings.inputContainer &&
    (entry.functionId === undefined || entry.functionId.endsWith('processMediaBlob'));
  if (entry === undefined || !forUs) {
    context.warn('poisonBlobs: message is not for processMediaBlob; ignored');
    return;
  }
  const decision = await recordPoisonBlobOrDefer(deps, {
    container: entry.containerName,
    name: entry.blobName,
    etag: entry.etag,
    deliveries: POISON_BLOB_THRESHOLD,
    deferrals: entry.deferrals,
    ...(deps.breaker?.lastFault === undefined ? {} : { lastFault: deps.breaker.lastFault }),
  });
  if (decision.outcome === 'deferred') {
    await deps.queue.send(
      BLOB_POISON_QUEUE,
      {
        ...(entry.functionId === undefined ? {} : { FunctionId: entry.functionId }),
        ContainerName: entry.containerName,
        BlobName: entry.blobName,
        ...(entry.etag === undefined ? {} : { ETag: entry.etag }),
        [DEFERRALS_FIELD]: entry.deferrals + 1,
      },
      { delaySeconds: decision.delaySeconds },
    );
  }
  context.log(`poisonBlobs: ${entry.blobName} → ${decision.outcome}`);
}

interface PoisonMessage {
  functionId: string | undefined;
  containerName: string;
  blobName: string;
  etag: string | undefined;
  deferrals: number;
}

/**
 * `{ FunctionId, BlobType, ContainerName, BlobName, ETag }` (the host's), plus `Deferrals` on one we put back,
 * as an object or its JSON text.
 */
function parseMessage(message: unknown): PoisonMessage | undefined {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value)) return undefined;
  const raw = (name: string): unknown => {
    const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : value[key];
  };
  const field = (name: string): string | undefined => {
    const found = raw(name);
    return typeof found === 'string' && found.length > 0 ? found : undefined;
  };
  const deferrals = raw(DEFERRALS_FIELD);
  const containerName = field('ContainerName');
  const blobName = field('BlobName');
  if (containerName === undefined || blobName === undefined) return undefined;
  return {
    functionId: field('FunctionId'),
    containerName,
    blobName,
    etag: normalizeEtag(field('ETag')),
    deferrals:
      typeof deferrals === 'number' && Number.isSafeInteger(deferrals) && deferrals > 0 ? deferrals : 0,
  };
}

const config = appConfig();
app.storageQueue('poisonBlobs', {
  queueName: BLOB_POISON_QUEUE,
  // The poison queue lives in the trigger's storage account, so it uses the trigger's connection.
  connection: config.storage.setting,
  handler: poisonBlobs,
});
