import { app, type InvocationContext } from '@azure/functions';
import { isRecord } from '../core/json/isRecord';
import { recordPoisonBlobOnceFree } from '../core/blob/recordPoisonBlobOnceFree';
import { normalizeEtag } from './shared/normalizeEtag';
import { appConfig, pipelineDeps } from './shared/runtime';

/** The host's name for the queue that receives blobs whose trigger failed `poisonBlobThreshold` times. */
export const BLOB_POISON_QUEUE = 'webjobs-blobtrigger-poison';
/** Keep equal to `extensions.blobs.poisonBlobThreshold` in host.json (a test checks). */
export const POISON_BLOB_THRESHOLD = 5;

/**
 * Queue trigger on the poison-blob queue of the trigger's storage account: writes the error document for a
 * blob the host gave up on, so every input still ends with one outcome document. Messages of other blob
 * triggers in the app (other containers or functions) are left alone.
 */
export async function poisonBlobs(message: unknown, context: InvocationContext): Promise<void> {
  const entry = parseMessage(message);
  const deps = await pipelineDeps(context);
  const forUs =
    entry?.containerName === deps.settings.inputContainer &&
    (entry.functionId === undefined || entry.functionId.endsWith('processMediaBlob'));
  if (entry === undefined || !forUs) {
    context.warn('poisonBlobs: message is not for processMediaBlob; ignored');
    return;
  }
  const outcome = await recordPoisonBlobOnceFree(deps, {
    container: entry.containerName,
    name: entry.blobName,
    etag: entry.etag,
    deliveries: POISON_BLOB_THRESHOLD,
    ...(deps.breaker?.lastFault === undefined ? {} : { lastFault: deps.breaker.lastFault }),
  });
  context.log(`poisonBlobs: ${entry.blobName} → ${outcome}`);
}

interface PoisonMessage {
  functionId: string | undefined;
  containerName: string;
  blobName: string;
  etag: string | undefined;
}

/** `{ FunctionId, BlobType, ContainerName, BlobName, ETag }`, as an object or its JSON text. */
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
  const field = (name: string): string | undefined => {
    const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const found = key === undefined ? undefined : value[key];
    return typeof found === 'string' && found.length > 0 ? found : undefined;
  };
  const containerName = field('ContainerName');
  const blobName = field('BlobName');
  if (containerName === undefined || blobName === undefined) return undefined;
  return { functionId: field('FunctionId'), containerName, blobName, etag: normalizeEtag(field('ETag')) };
}

const config = appConfig();
app.storageQueue('poisonBlobs', {
  queueName: BLOB_POISON_QUEUE,
  // The poison queue lives in the trigger's storage account, so it uses the trigger's connection.
  connection: config.storage.setting,
  handler: poisonBlobs,
});
