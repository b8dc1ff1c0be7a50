/**
 * Figure 10, in a child process: storage requests per item on each path, counted by the proxy the pinned test
 * uses (`test/functions/storageRequestsPerItem.test.ts`), with the same steps. `root` is a compiled `src/` (this
 * checkout's, or the baseline commit's): the handlers and CLI commands are loaded from it, so the old and the
 * new path are counted in the same bench run.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { InvocationContext } from '@azure/functions';
import { Command } from 'commander';
import sharp from 'sharp';
import { AzureBlobStore } from '../../../src/adapters/AzureBlobStore';
import type * as BatchCommandModule from '../../../src/cli/batchCommand';
import type * as ProcessCommandModule from '../../../src/cli/processCommand';
import type * as CompletionsModule from '../../../src/functions/completions';
import type * as ProcessMediaBlobModule from '../../../src/functions/processMediaBlob';
import { startCountingStorageProxy, type StorageRequest } from '../../../test/support/countingStorageProxy';
import { saveRequest } from '../../../test/support/saveRequest';
import { childArgs, childMain } from '../child';

export interface StorageRequestsArgs {
  root: string;
  connectionString: string;
  endpoint: string;
}

/** The paths of issue 15's table (labels: `bench/perf/storageFigures.ts`). */
export type StorageRequestRow =
  'trigger' | 'triggerHostShape' | 'cli' | 'redelivery' | 'permanentError' | 'httpSave' | 'batch';
export type StorageRequestsResult = Record<StorageRequestRow, number>;

childMain(async (): Promise<StorageRequestsResult> => {
  const args = childArgs() as StorageRequestsArgs;
  const proxy = await startCountingStorageProxy(args.connectionString);
  const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(args.connectionString));
  const suffix = randomBytes(4).toString('hex');
  const input = `sr-in-${suffix}`;
  const output = `sr-out-${suffix}`;
  await Promise.all([blobs.createContainerIfNotExists(input), blobs.createContainerIfNotExists(output)]);
  // The settings the handlers read when they load, as the host sets them.
  Object.assign(process.env, {
    MediaStorage: proxy.connectionString,
    AZURE_INFERENCE_ENDPOINT: args.endpoint,
    AZURE_INFERENCE_CREDENTIAL: 'bench-key',
    AZURE_INFERENCE_MODEL: 'gpt-4o',
    MEDIA_INPUT_CONTAINER: input,
    MEDIA_OUTPUT_CONTAINER: output,
    MEDIA_BATCH_QUEUE: `sr-q-${suffix}`,
  });
  const load = async <T>(...parts: string[]): Promise<T> =>
    (await import(path.join(args.root, ...parts))) as T;
  const { processMediaBlob } = await load<typeof ProcessMediaBlobModule>('functions', 'processMediaBlob.js');
  const { completions } = await load<typeof CompletionsModule>('functions', 'completions.js');
  const { registerProcessCommand } = await load<typeof ProcessCommandModule>('cli', 'processCommand.js');
  const { registerBatchCommand } = await load<typeof BatchCommandModule>('cli', 'batchCommand.js');
  const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#2080c0' } })
    .png()
    .toBuffer();

  const context = (functionName: string, triggerMetadata: Record<string, unknown>) =>
    new InvocationContext({
      invocationId: randomBytes(8).toString('hex'),
      functionName,
      triggerMetadata,
      logHandler: () => undefined,
    });
  const upload = async (name: string, bytes: Uint8Array): Promise<string> =>
    (await blobs.upload(input, name, bytes)).etag.replaceAll('"', '');
  const deliver = (name: string, bytes: Uint8Array, properties: Record<string, unknown>) =>
    processMediaBlob(
      bytes,
      context('processMediaBlob', {
        name,
        blobTrigger: `${input}/${name}`,
        uri: `http://127.0.0.1/devstoreaccount1/${input}/${name}`,
        properties,
        metadata: {},
      }),
    );
  /** Requests made by `work`, leaving out the run's own (creating containers, listing the input). */
  const counted = async (work: () => Promise<unknown>, perRun = false): Promise<number> => {
    proxy.reset();
    await work();
    const own = (request: StorageRequest): boolean =>
      perRun && (request.operation === 'container' || request.path === input);
    return proxy.requests.filter((request) => !own(request)).length;
  };
  const cli = async (
    register: (program: Command) => void,
    command: string,
    rest: string[],
  ): Promise<void> => {
    const program = new Command().exitOverride();
    register(program);
    const write = process.stdout.write.bind(process.stdout);
    const error = console.error;
    // The commands print their outcomes; this child prints only its result.
    process.stdout.write = () => true;
    console.error = () => undefined;
    try {
      await program.parseAsync(['node', 'media-completions', command, ...rest]);
    } finally {
      process.stdout.write = write;
      console.error = error;
      process.exitCode = undefined;
    }
  };

  const bytes = Buffer.from('plain text, not media');
  const triggerEtag = await upload('count/trigger.png', png);
  const trigger = await counted(() =>
    deliver('count/trigger.png', png, { eTag: triggerEtag, length: png.length }),
  );
  await upload('count/host-shape.png', png);
  const triggerHostShape = await counted(() =>
    deliver('count/host-shape.png', png, { eTag: {}, contentLength: png.length }),
  );
  const againEtag = await upload('count/again.png', png);
  await deliver('count/again.png', png, { eTag: againEtag, length: png.length });
  const redelivery = await counted(() =>
    deliver('count/again.png', png, { eTag: againEtag, length: png.length }),
  );
  const notesEtag = await upload('count/notes.png', bytes);
  const permanentError = await counted(() =>
    deliver('count/notes.png', bytes, { eTag: notesEtag, length: bytes.length }),
  );
  for (let n = 0; n < 8; n++) await upload(`cli/${n}.png`, png);
  const cliRequests = await counted(
    () => cli(registerProcessCommand, 'process', ['--prefix', 'cli/', '--concurrency', '1']),
    true,
  );
  const httpSave = await counted(() => completions(saveRequest(png), context('completions', {})));
  const names = Array.from({ length: 64 }, (_, n) => `batch/${String(n).padStart(2, '0')}.png`);
  await Promise.all(names.map((name) => upload(name, png)));
  const batch = await counted(() =>
    cli(registerBatchCommand, 'batch', ['--prefix', 'batch/', '--concurrency', '1']),
  );
  await proxy.close();
  return {
    trigger,
    triggerHostShape,
    cli: cliRequests / 8,
    redelivery,
    permanentError,
    httpSave,
    batch: batch / 64,
  };
});
