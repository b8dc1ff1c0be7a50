/**
 * Figure 3, in a child process: peak memory growth while one large blob goes to the model, for the naive chain
 * (bytes → base64 → data URL → JSON string → UTF-8 body, as the SDK's object body does it) and for the pipeline.
 * Run with --expose-gc; the baseline is taken after a warm-up item, so module loading is not counted.
 */
import ModelClient from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAppDeps } from '../../../src/adapters/createAppDeps';
import { inspectMedia } from '../../../src/core/media/inspectMedia';
import { processBlob } from '../../../src/core/blob/processBlob';
import { childArgs, childMain } from '../child';
import { peakRss, resetPeakRss } from '../peakRss';
import { benchConfig } from '../pipelineEnv';
import { silentLogger } from '../silentLogger';

export type MemoryChain = 'naive' | 'pipeline' | 'pipeline-downscale';

export interface MemoryArgs {
  connectionString: string;
  endpoint: string;
  container: string;
  output: string;
  name: string;
  warmupName: string;
  chain: MemoryChain;
}

export interface MemoryResult {
  inputBytes: number;
  rssGrowth: number;
  externalGrowth: number;
  heapGrowth: number;
  /** Growth of the V8 heap's committed size (new-space resizing shows here, not in heapUsed). */
  heapTotalGrowth: number;
}

childMain(async (): Promise<MemoryResult> => {
  const args = childArgs() as MemoryArgs;
  const process_ = await chain(args);
  await process_(args.warmupName, `warm-${process.pid}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage();
  const peak = { ...before };
  const sample = (): void => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.external = Math.max(peak.external, now.external);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, now.heapTotal);
  };
  const exactPeak = resetPeakRss();
  const timer = setInterval(sample, 2);
  const inputBytes = await process_(args.name, `measured-${process.pid}`);
  clearInterval(timer);
  sample();
  // The kernel's high-water mark also sees peaks inside synchronous code, which the sampler cannot.
  const maxRss = Math.max(peak.rss, exactPeak ? (peakRss() ?? 0) : 0);
  return {
    inputBytes,
    rssGrowth: maxRss - before.rss,
    externalGrowth: peak.external - before.external,
    heapGrowth: peak.heapUsed - before.heapUsed,
    heapTotalGrowth: peak.heapTotal - before.heapTotal,
  };
});

async function chain(args: MemoryArgs): Promise<(name: string, run: string) => Promise<number>> {
  const service = BlobServiceClient.fromConnectionString(args.connectionString);
  if (args.chain === 'naive') {
    const model = ModelClient(args.endpoint, new AzureKeyCredential('bench-key'), {
      retryOptions: { maxRetries: 0 },
      allowInsecureConnection: true,
    });
    return async (name, run) => {
      const bytes = await service
        .getContainerClient(args.container)
        .getBlockBlobClient(name)
        .downloadToBuffer();
      const info = inspectMedia(bytes);
      const encoded = bytes.toString('base64');
      const part =
        info.kind === 'image'
          ? {
              type: 'image_url',
              image_url: { url: `data:${info.mimeType};base64,${encoded}`, detail: 'auto' },
            }
          : { type: 'input_audio', input_audio: { data: encoded, format: info.format } };
      const response = await model.path('/chat/completions').post({
        body: {
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this.' }, part] }],
          max_tokens: 100,
          model: 'gpt-4o',
        },
        queryParameters: {
          'api-version': info.kind === 'image' ? '2024-05-01-preview' : '2025-01-01-preview',
        },
      });
      if (response.status !== '200') throw new Error(`naive request answered ${response.status}`);
      const document = Buffer.from(JSON.stringify(response.body));
      await service
        .getContainerClient(args.output)
        .getBlockBlobClient(`naive/${run}.json`)
        .upload(document, document.length);
      return bytes.length;
    };
  }
  const config = benchConfig(args.connectionString, args.endpoint, {
    MEDIA_INPUT_CONTAINER: args.container,
    MEDIA_OUTPUT_CONTAINER: args.output,
    MEDIA_DOWNSCALE: String(args.chain === 'pipeline-downscale'),
  });
  const deps = (await createAppDeps(config)).pipeline(silentLogger);
  return async (name, run) => {
    const outcome = await processBlob(deps, {
      container: args.container,
      name,
      output: {
        container: args.output,
        resultName: `${args.chain}/${run}.json`,
        errorName: `${args.chain}/${run}.error.json`,
      },
    });
    if (outcome.status !== 'succeeded') throw new Error(`pipeline ended ${outcome.status}`);
    return outcome.document.source.size;
  };
}
