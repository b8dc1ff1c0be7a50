import { createHash, randomBytes } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import pLimit from 'p-limit';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { startAzurite, type RunningAzurite } from '../../src/cli/startAzurite';
import type { FaultKind } from '../../src/emulator/FaultKind';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import { startEmulator } from '../../src/emulator/startEmulator';
import { badInputs, png } from '../../test/fixtures/badInputs';
import { runBatchPhase, type BatchPhaseReport } from './runBatchPhase';
import { soakWav } from './soakWav';

export interface SoakOptions {
  /** Inputs uploaded and delivered. */
  inputs: number;
  /** Folder for Azurite's disk persistence (created if missing). */
  location: string;
  /** Deliveries in flight at once. Default 8. */
  concurrency?: number;
  /** Seeds the emulator's faults. Default 7. */
  seed?: number;
  /** Progress lines; never payloads or keys. */
  log?: (line: string) => void;
}

export interface SoakReport {
  inputs: number;
  /** Inputs that ended with exactly one outcome document. */
  documents: number;
  results: number;
  errorDocuments: number;
  /** Inputs with no document, or with both a result and an error document. */
  missing: number;
  bothDocuments: number;
  /** Inputs whose bytes got more than one successful (200) model answer, among those delivered one at a time. */
  duplicates: number;
  /**
   * The same among inputs delivered twice at the same moment: both deliveries may pass the idempotency check
   * before either writes (the documents stay single; the model call is paid twice).
   */
  concurrentDuplicates: number;
  /** Inputs delivered twice at the same moment. */
  concurrentInputs: number;
  modelCalls: number;
  /** Successful calls repeated for inputs Azurite lost. */
  redoneCalls: number;
  /** Inputs that reach the model (the rest are rejected before any call). */
  modelInputs: number;
  /** Model calls per processed input version (inputs plus those Azurite lost and that ran again). */
  callsPerInput: number;
  /** The same over the versions that reach the model: the figure the 1.3 target is about. */
  callsPerModelInput: number;
  errorsByCode: Record<string, number>;
  faultsServed: Record<string, number>;
  deliveries: number;
  /** Deliveries that threw (the host would run them again). */
  failedDeliveries: number;
  duplicateDeliveries: number;
  poisoned: number;
  /** Poison messages put back behind a live claim, delivered again from the poison queue when visible. */
  poisonPutBacks: number;
  azuriteRestarts: number;
  /** Input blobs Azurite lost when it was killed (its metadata is saved every 5 s), uploaded again. */
  reuploaded: number;
  /**
   * Inputs whose blob or document Azurite lost with its unsaved metadata when killed: they are processed again
   * (a second model call that real storage, which keeps acknowledged writes, would not cause). Not counted in
   * `duplicates`; their repeated calls are `redoneCalls`.
   */
  lostByAzurite: number;
  /** Inputs the host settled after the restart that still had no document before the scan: a bug if > 0. */
  unexplainedMissing: number;
  /** A batch over inputs in `batch/`, through the queue handlers (after the restart, faults still on). */
  batch: BatchPhaseReport & { modelCalls: number; callsPerItem: number };
  wallMs: number;
}

const API_KEY = 'soak-key';
/** Per request: 20% 429 (half with no retry header), 5% 500, 2% connection reset, 1% hang. */
const FAULT_RATE = 0.28;
const FAULT_KINDS: readonly FaultKind[] = [
  ...Array<FaultKind>(10).fill('429'),
  ...Array<FaultKind>(10).fill('429-bare'),
  ...Array<FaultKind>(5).fill('500'),
  ...Array<FaultKind>(2).fill('reset'),
  'hang',
];
/** The host's tries before a blob goes to the poison queue (host.json `poisonBlobThreshold`). */
const HOST_TRIES = 5;
/** Waits between the host's redeliveries; together longer than an Azurite restart. */
const REDELIVERY_DELAYS_MS = [200, 500, 1000, 2000, 4000];

interface SoakInput {
  name: string;
  bytes: Buffer;
  metadata?: Record<string, string>;
  /** Reaches the model (a valid file with valid overrides). */
  callsModel: boolean;
  sha8: string;
}

function makeInputs(count: number): SoakInput[] {
  const corpus = badInputs().filter((input) => !input.id.startsWith('name-') && input.code !== 'too_large');
  return Array.from({ length: count }, (_, index): SoakInput => {
    const id = String(index).padStart(4, '0');
    let input: Omit<SoakInput, 'sha8'>;
    if (index % 10 === 9) {
      const bad = corpus[Math.floor(index / 10) % corpus.length] ?? corpus[0];
      if (bad === undefined) throw new RangeError('The bad-input corpus is empty.');
      input = {
        name: `bad/${id}-${bad.id}`,
        bytes: bad.bytes,
        ...(bad.metadata === undefined ? {} : { metadata: bad.metadata }),
        callsModel: false,
      };
    } else if (index % 10 === 4) {
      input = { name: `audio/${id}.wav`, bytes: soakWav(0.2), callsModel: true };
    } else {
      const size = 8 + (index % 24);
      input = {
        name: index % 7 === 0 ? `images/nested dir/${id} ü.png` : `images/${id}.png`,
        bytes: png(size, size, { noise: true }),
        ...(index % 5 === 0
          ? { metadata: { detail: 'low', prompt: `Soak input ${id}: what is this?` } }
          : {}),
        callsModel: true,
      };
    }
    return { ...input, sha8: createHash('sha256').update(input.bytes).digest('hex').slice(0, 8) };
  });
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * The fault soak: inputs go through the blob trigger handler invoked as the host would (redelivery after a
 * throw, the poison handler after HOST_TRIES, duplicate deliveries, and a final container scan that delivers
 * every blob once more), against the emulator with faults and an Azurite with disk persistence that is killed
 * and restarted on the same ports halfway through.
 *
 * Sets the app settings in `process.env` and imports the function modules: run it once per process.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  let azurite: RunningAzurite = await startAzurite({ location: options.location });
  const { blobPort, queuePort } = azurite;
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({
      key: API_KEY,
      faultRate: FAULT_RATE,
      faultKinds: FAULT_KINDS,
      faultRetryAfterMs: 100,
      latencyMs: [5, 30],
      seed: options.seed ?? 7,
    });
    return await soak(emulator);
  } finally {
    await emulator?.close();
    await azurite.stop();
  }

  async function soak(emulator: RunningEmulator): Promise<SoakReport> {
    const suffix = randomBytes(3).toString('hex');
    const input = `soak-in-${suffix}`;
    const output = `soak-out-${suffix}`;
    Object.assign(process.env, {
      MediaStorage: azurite.connectionString,
      AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
      AZURE_INFERENCE_CREDENTIAL: API_KEY,
      AZURE_INFERENCE_MODEL: 'gpt-4o',
      MEDIA_INPUT_CONTAINER: input,
      MEDIA_OUTPUT_CONTAINER: output,
      MEDIA_BATCH_QUEUE: `soak-batch-${suffix}`,
      MEDIA_BLOB_TRIGGER_SOURCE: 'EventGrid',
      MEDIA_RETRY_MAX_ATTEMPTS: '4',
      MEDIA_RETRY_BASE_DELAY_MS: '50',
      MEDIA_RETRY_MAX_DELAY_MS: '400',
      // Short, so that a hung request is cut quickly, yet far above the emulator's 30 ms even on a loaded machine:
      // a timeout that fires after the model answered would pay for the answer twice.
      MEDIA_ATTEMPT_TIMEOUT_MS: '2000',
      MEDIA_RETRY_BUDGET_MS: '10000',
    });
    const { processMediaBlob } = await import('../../src/functions/processMediaBlob');
    const { poisonBlobs, BLOB_POISON_QUEUE } = await import('../../src/functions/poisonBlobs');
    const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(azurite.connectionString));
    await blobs.createContainerIfNotExists(input);
    await blobs.createContainerIfNotExists(output);

    const documentsOf = async (name: string) =>
      (
        await Promise.all([
          blobs.readJson(output, `${name}.json`),
          blobs.readJson(output, `${name}.error.json`),
        ])
      ).filter((document) => document !== undefined);
    const inputs = makeInputs(options.inputs);
    const counters = {
      deliveries: 0,
      failedDeliveries: 0,
      duplicateDeliveries: 0,
      poisoned: 0,
      poisonPutBacks: 0,
      reuploaded: 0,
    };
    /** When each input's host work last finished. */
    const settledAt = new Map<string, number>();
    /** Inputs with a delivery that threw, and the code it threw. */
    const threw = new Map<string, string>();
    const context = (name: string, etag: string | undefined) =>
      new InvocationContext({
        invocationId: randomBytes(8).toString('hex'),
        functionName: 'processMediaBlob',
        triggerMetadata: {
          name,
          blobTrigger: `${input}/${name}`,
          ...(etag === undefined ? {} : { properties: { eTag: etag.replaceAll('"', '') } }),
        },
        logHandler: () => undefined,
      });

    /** An uploader that retries: storage may be down for a moment. */
    const upload = async (item: SoakInput): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const uploaded = await blobs.upload(input, item.name, item.bytes, {
            ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
          });
          return uploaded.etag;
        } catch (error) {
          if (attempt >= 10) throw error;
          await sleep(500);
        }
      }
    };

    /** The host: up to HOST_TRIES deliveries, then the poison queue message, itself retried like a queue message. */
    const host = async (item: SoakInput, etag: string | undefined): Promise<void> => {
      for (let attempt = 0; attempt < HOST_TRIES; attempt++) {
        counters.deliveries += 1;
        try {
          await processMediaBlob(item.bytes, context(item.name, etag));
          return;
        } catch (error) {
          counters.failedDeliveries += 1;
          threw.set(item.name, (error as { code?: string }).code ?? 'unknown');
          await sleep(REDELIVERY_DELAYS_MS[attempt] ?? 4000);
        }
      }
      const message = JSON.stringify({
        FunctionId: 'Host.Functions.processMediaBlob',
        BlobType: 'BlockBlob',
        ContainerName: input,
        BlobName: item.name,
        ETag: etag,
      });
      for (let attempt = 0; attempt < HOST_TRIES; attempt++) {
        try {
          await poisonBlobs(message, context(item.name, etag));
          counters.poisoned += 1;
          return;
        } catch {
          await sleep(REDELIVERY_DELAYS_MS[attempt] ?? 4000);
        }
      }
      throw new Error(`The poison handler failed ${HOST_TRIES} times for ${item.name}.`);
    };

    /**
     * The host's queue trigger on the poison queue, for the messages the poison handler put back behind a live
     * claim: each is delivered when it becomes visible (a failed delivery comes back after 5 s).
     */
    const poisonQueue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(
      BLOB_POISON_QUEUE,
    );
    let draining = true;
    let handling = 0;
    const drainPoisonQueue = async (): Promise<void> => {
      while (draining) {
        try {
          const { receivedMessageItems } = await poisonQueue.receiveMessages({
            numberOfMessages: 16,
            visibilityTimeout: 5,
          });
          handling += receivedMessageItems.length;
          for (const item of receivedMessageItems) {
            const text = Buffer.from(item.messageText, 'base64').toString('utf8');
            try {
              await poisonBlobs(text, context('poison', undefined));
              counters.poisonPutBacks += 1;
              await poisonQueue.deleteMessage(item.messageId, item.popReceipt);
            } catch {
              // Left invisible: delivered again after its visibility timeout, as the host does.
            } finally {
              handling -= 1;
            }
          }
          if (receivedMessageItems.length > 0) continue;
        } catch {
          // Azurite is restarting.
        }
        await sleep(500);
      }
    };
    /** Until every put-back message was delivered (they wait for their claim to lapse: up to a claim's life). */
    const poisonQueueEmpty = async (): Promise<void> => {
      log('waiting for the put-back poison messages');
      for (;;) {
        try {
          const { approximateMessagesCount } = await poisonQueue.getProperties();
          if (approximateMessagesCount === 0 && handling === 0) return;
        } catch {
          // Azurite is restarting.
        }
        await sleep(500);
      }
    };
    const poisonDrain = (async () => {
      await poisonQueue.createIfNotExists();
      await drainPoisonQueue();
    })();

    const batchPhase = async (count: number): Promise<SoakReport['batch']> => {
      const items = makeInputs(count).map((item) => ({ ...item, name: `batch/${item.name}` }));
      await Promise.all(items.map((item) => upload(item)));
      const before = emulator.stats().chatCompletions;
      log(`batch of ${items.length} items through the queue handlers`);
      const report = await runBatchPhase({
        connectionString: azurite.connectionString,
        blobs,
        inputContainer: input,
        outputContainer: output,
        prefix: 'batch/',
      });
      const modelCalls = emulator.stats().chatCompletions - before;
      const modelItems = items.filter((item) => item.callsModel).length;
      return { ...report, modelCalls, callsPerItem: round(modelCalls / Math.max(1, modelItems)) };
    };

    const limit = pLimit(options.concurrency ?? 8);
    let azuriteRestarts = 0;
    const restartAt = Math.floor(inputs.length / 2);
    const restart = async (): Promise<void> => {
      log(`killing Azurite (SIGKILL) with ${counters.deliveries} deliveries made`);
      await azurite.kill();
      await sleep(1000);
      azurite = await startAzurite({ location: options.location, blobPort, queuePort });
      azuriteRestarts += 1;
      // Containers and queues created less than 5 s before the kill are lost with Azurite's unsaved metadata;
      // without its poison queue, the wait for put-back messages below would never end.
      await blobs.createContainerIfNotExists(input);
      await blobs.createContainerIfNotExists(output);
      await poisonQueue.createIfNotExists();
      restartedAt = Date.now();
      log('Azurite restarted on the same ports');
    };
    let restarting: Promise<void> | undefined;
    let restartedAt = Number.POSITIVE_INFINITY;

    const runs = inputs.map((item, index) =>
      limit(async () => {
        if (index === restartAt) restarting = restart();
        const etag = await upload(item);
        if (concurrent(index)) {
          // Concurrent duplicate delivery (one upload, two events).
          counters.duplicateDeliveries += 1;
          await Promise.all([host(item, etag), host(item, etag)]);
        } else {
          await host(item, etag);
        }
        if (index % 10 === 6) {
          counters.duplicateDeliveries += 1;
          await host(item, etag);
        }
        settledAt.set(item.name, Date.now());
        if (index % 50 === 0) log(`${index + 1}/${inputs.length} delivered`);
      }),
    );
    await Promise.all(runs);
    await restarting;

    /** Inputs Azurite lost (the blob or its document) when killed; they are legitimately processed again. */
    const lostByAzurite = new Set<string>();
    // The blobs Azurite lost with its unsaved metadata are uploaded again (a new version, a new event).
    for (const item of inputs) {
      if ((await blobs.getProperties(input, item.name)) === undefined) {
        counters.reuploaded += 1;
        lostByAzurite.add(item.name);
        await host(item, await upload(item));
        settledAt.set(item.name, Date.now());
      }
    }
    await poisonQueueEmpty();
    let unexplainedMissing = 0;
    for (const item of inputs) {
      if ((await documentsOf(item.name)).length > 0) continue;
      if (lostByAzurite.has(item.name)) continue;
      if ((settledAt.get(item.name) ?? 0) < restartedAt) lostByAzurite.add(item.name);
      else unexplainedMissing += 1;
    }
    // A container scan, as the polling trigger does on start: every blob is delivered once more.
    await Promise.all(
      inputs.map((item) =>
        limit(async () => {
          counters.duplicateDeliveries += 1;
          await host(item, (await blobs.getProperties(input, item.name))?.etag);
        }),
      ),
    );

    await poisonQueueEmpty();
    draining = false;
    await poisonDrain;

    const stats = emulator.stats();
    const batch = await batchPhase(Math.max(10, Math.ceil(inputs.length / 5)));
    const successesBySha = new Map<string, number>();
    for (const request of stats.received) {
      if (request.status !== '200') continue;
      for (const media of request.media) {
        if (media.sha256 !== undefined)
          successesBySha.set(media.sha256, (successesBySha.get(media.sha256) ?? 0) + 1);
      }
    }
    const errorsByCode: Record<string, number> = {};
    let results = 0;
    let errorDocuments = 0;
    let missing = 0;
    let bothDocuments = 0;
    for (const item of inputs) {
      const [result, error] = await Promise.all([
        blobs.readJson(output, `${item.name}.json`),
        blobs.readJson(output, `${item.name}.error.json`),
      ]);
      if (result !== undefined && error !== undefined) bothDocuments += 1;
      if (result === undefined && error === undefined) missing += 1;
      if (result !== undefined) results += 1;
      if (error !== undefined) {
        errorDocuments += 1;
        const code = readCode(error.value);
        errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
      }
    }
    const modelInputs = inputs.filter((item) => item.callsModel).length;
    const lostModelInputs = inputs.filter((item) => item.callsModel && lostByAzurite.has(item.name)).length;
    const redoneCalls = inputs
      .filter((item) => lostByAzurite.has(item.name))
      .reduce((total, item) => total + Math.max(0, (successesBySha.get(item.sha8) ?? 0) - 1), 0);
    const succeededTwice = (item: SoakInput) =>
      !lostByAzurite.has(item.name) && (successesBySha.get(item.sha8) ?? 0) > 1;
    const duplicateInputs = inputs.filter((item, index) => !concurrent(index) && succeededTwice(item));
    const duplicates = duplicateInputs.length;
    for (const item of duplicateInputs) {
      const settled = (settledAt.get(item.name) ?? 0) - started;
      log(
        `duplicate success: ${item.name} (threw ${threw.get(item.name) ?? 'never'}, settled at ${settled} ms)`,
      );
    }
    const concurrentDuplicates = inputs.filter(
      (item, index) => concurrent(index) && succeededTwice(item),
    ).length;
    const faultsServed: Record<string, number> = {};
    for (const [status, count] of Object.entries(stats.byStatus)) faultsServed[status] = count;
    return {
      inputs: inputs.length,
      documents: inputs.length - missing - bothDocuments,
      results,
      errorDocuments,
      missing,
      bothDocuments,
      duplicates,
      concurrentDuplicates,
      concurrentInputs: inputs.filter((_, index) => concurrent(index)).length,
      modelCalls: stats.chatCompletions,
      modelInputs,
      redoneCalls,
      callsPerInput: round(stats.chatCompletions / (inputs.length + lostByAzurite.size)),
      callsPerModelInput: round(stats.chatCompletions / Math.max(1, modelInputs + lostModelInputs)),
      errorsByCode,
      faultsServed,
      ...counters,
      azuriteRestarts,
      lostByAzurite: lostByAzurite.size,
      batch,
      unexplainedMissing,
      wallMs: Date.now() - started,
    };
  }
}

/** Every 20th input (from the 4th) is delivered twice at once, as duplicate events can be. */
function concurrent(index: number): boolean {
  return index % 20 === 3;
}

function readCode(value: unknown): string {
  const error = (value as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : 'unknown';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
