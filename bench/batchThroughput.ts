/**
 * In-process batch throughput against the emulator at a fixed latency, next to the ideal concurrency ÷ latency,
 * plus the cost of a status call (counter shards) next to listing the item documents.
 * Run: npm run bench:batch [-- <items> <latency ms>]. Not a test: numbers depend on the machine.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import sharp from 'sharp';
import { AzureBlobBlocks } from '../src/adapters/AzureBlobBlocks';
import { AzureBlobStore } from '../src/adapters/AzureBlobStore';
import { createModelGateway } from '../src/adapters/createModelGateway';
import { systemClock } from '../src/adapters/systemClock';
import { runBatch } from '../src/cli/runBatch';
import { startAzurite } from '../src/cli/startAzurite';
import { loadConfig } from '../src/config';
import { readBatchCounts } from '../src/core/batch/batchCounters';
import { readBatchRecord } from '../src/core/batch/batchRecordStore';
import { parseBatchRequest } from '../src/core/batch/parseBatchRequest';
import type { Logger } from '../src/core/ports/Logger';
import { startEmulator } from '../src/emulator/startEmulator';

const items = Number(process.argv[2] ?? 300);
const latencyMs = Number(process.argv[3] ?? 250);
const concurrencies = [4, 16, 32, 64];
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

async function main(): Promise<void> {
  const azurite = await startAzurite();
  const emulator = await startEmulator({ key: 'bench-key', latencyMs });
  try {
    const config = loadConfig({
      MediaStorage: azurite.connectionString,
      AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
      AZURE_INFERENCE_CREDENTIAL: 'bench-key',
      AZURE_INFERENCE_MODEL: 'gpt-4o',
    });
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const blobs = new AzureBlobStore(service);
    const { inputContainer: input, outputContainer: output } = config.pipeline;
    await Promise.all([blobs.createContainerIfNotExists(input), blobs.createContainerIfNotExists(output)]);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    for (let start = 0; start < items; start += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, items - start) }, (_, n) =>
          blobs.upload(input, `bench/${String(start + n).padStart(6, '0')}.png`, png),
        ),
      );
    }
    const deps = {
      blobs,
      blocks: new AzureBlobBlocks(service),
      model: await createModelGateway(config.inference),
      clock: systemClock,
      logger: quiet,
      settings: config.pipeline,
      batch: config.batch,
    };
    console.log(
      `${items} items, emulator latency ${latencyMs} ms, Azurite in memory, Node ${process.version}`,
    );
    console.log('concurrency | items/s | ideal (concurrency ÷ latency) | efficiency');
    let lastId = '';
    for (const concurrency of concurrencies) {
      const started = performance.now();
      const view = await runBatch(deps, {
        request: parseBatchRequest({ prefix: 'bench/', force: true }, config.pipeline),
        concurrency,
        progress: false,
        write: () => undefined,
      });
      const seconds = (performance.now() - started) / 1000;
      if (view.request_counts.completed !== items)
        throw new Error(`expected ${items} completed: ${JSON.stringify(view)}`);
      const rate = items / seconds;
      const ideal = concurrency / (latencyMs / 1000);
      console.log(
        `${String(concurrency).padStart(11)} | ${rate.toFixed(1).padStart(7)} | ${ideal.toFixed(1).padStart(29)} | ${((100 * rate) / ideal).toFixed(0)}%`,
      );
      lastId = view.id;
    }
    const timeIt = async (run: () => Promise<unknown>): Promise<number> => {
      const started = performance.now();
      for (let n = 0; n < 10; n++) await run();
      return (performance.now() - started) / 10;
    };
    // What a status call costs while a batch runs (after finalization it reads the record alone).
    const status = await timeIt(() =>
      Promise.all([readBatchRecord(blobs, output, lastId), readBatchCounts(blobs, output, { id: lastId })]),
    );
    const listing = await timeIt(async () => {
      let token: string | undefined;
      do {
        const page = await blobs.listPage(output, {
          prefix: `batches/${lastId}/items/`,
          pageSize: 5000,
          ...(token === undefined ? {} : { continuationToken: token }),
        });
        token = page.continuationToken;
      } while (token !== undefined);
    });
    console.log(
      `status call (record + one listing of ${config.batch.counterShards} shards): ${status.toFixed(1)} ms; ` +
        `listing the ${items} item documents instead: ${listing.toFixed(1)} ms (names only; tokens would need a read per document)`,
    );
  } finally {
    await emulator.close();
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
