import { app, type InvocationContext } from '@azure/functions';
import { processBlob } from '../core/blob/processBlob';
import { triggeredBlobInput } from '../core/blob/triggeredBlobInput';
import { isRecord } from '../core/json/isRecord';
import { normalizeEtag } from './shared/normalizeEtag';
import { appConfig, pipelineDeps } from './shared/runtime';

/**
 * Blob trigger on `<input container>/{name}`: runs the pipeline and returns normally for results and permanent
 * failures (both leave a document); a transient failure that outlasted the retry budget is rethrown, so the
 * host runs the blob again and, after `poisonBlobThreshold` tries, hands it to `poisonBlobs`.
 */
export async function processMediaBlob(blob: unknown, context: InvocationContext): Promise<void> {
  const deps = await pipelineDeps(context);
  const { inputContainer } = deps.settings;
  const name = blobName(context, inputContainer);
  const length = triggerProperty(context, 'contentLength') ?? triggerProperty(context, 'length');
  const contentType = triggerProperty(context, 'contentType');
  const input = triggeredBlobInput({
    container: inputContainer,
    name,
    content: blob,
    etag: normalizeEtag(triggerProperty(context, 'eTag')),
    length: sizeOf(length),
    contentType: typeof contentType === 'string' && contentType !== '' ? contentType : undefined,
    metadata: blobMetadata(context),
  });
  const outcome = await processBlob(deps, input);
  context.log(`processMediaBlob: ${name} → ${outcome.status}`);
}

function blobName(context: InvocationContext, container: string): string {
  const metadata = context.triggerMetadata ?? {};
  if (typeof metadata.name === 'string' && metadata.name.length > 0) return metadata.name;
  const path = metadata.blobTrigger;
  if (typeof path === 'string' && path.startsWith(`${container}/`)) return path.slice(container.length + 1);
  throw new TypeError('The trigger metadata names no blob (expected `name` or `blobTrigger`).');
}

/** A size as hosts serialize it: a number, or its decimal text. */
function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The blob's metadata as the trigger delivered it (string values only), or undefined when it sent none. */
function blobMetadata(context: InvocationContext): Record<string, string> | undefined {
  const metadata = context.triggerMetadata?.metadata;
  if (!isRecord(metadata)) return undefined;
  return Object.fromEntries(
    Object.entries(metadata).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** Trigger metadata keys arrive camelCased (`ETag` → `eTag`); older hosts differ, so accept the variants. */
function triggerProperty(context: InvocationContext, key: string): unknown {
  const properties = context.triggerMetadata?.properties;
  if (!isRecord(properties)) return undefined;
  const wanted = key.toLowerCase();
  const found = Object.keys(properties).find((candidate) => candidate.toLowerCase() === wanted);
  return found === undefined ? undefined : properties[found];
}

const config = appConfig();
app.storageBlob('processMediaBlob', {
  path: `${config.pipeline.inputContainer}/{name}`,
  // The app setting prefix actually configured: MediaStorage, or the AzureWebJobsStorage fallback.
  connection: config.storage.setting,
  source: config.blobTriggerSource,
  handler: processMediaBlob,
});
