/**
 * Figure 1, in a child process: time per item of the pipeline (`processBlob`) against the floor of the same
 * work done with bare SDK calls (download, base64, one request, one write), interleaved item by item so that
 * both see the same machine load.
 */
import ModelClient from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';
import { BlobServiceClient } from '@azure/storage-blob';
import { performance } from 'node:perf_hooks';
import { createAppDeps } from '../../../src/adapters/createAppDeps';
import { processBlob, type PipelineDeps } from '../../../src/core/blob/processBlob';
import { childArgs, childMain } from '../child';
import { benchConfig } from '../pipelineEnv';
import { silentLogger } from '../silentLogger';

export interface OverheadArgs {
  connectionString: string;
  endpoint: string;
  container: string;
  output: string;
  name: string;
  items: number;
  warmup: number;
}

export interface OverheadResult {
  floorMs: number[];
  pipelineMs: number[];
}

childMain(async (): Promise<OverheadResult> => {
  const args = childArgs() as OverheadArgs;
  const config = benchConfig(args.connectionString, args.endpoint, {
    MEDIA_INPUT_CONTAINER: args.container,
    MEDIA_OUTPUT_CONTAINER: args.output,
  });
  const deps = (await createAppDeps(config)).pipeline(silentLogger);
  const service = BlobServiceClient.fromConnectionString(args.connectionString);
  const source = service.getContainerClient(args.container).getBlockBlobClient(args.name);
  const out = service.getContainerClient(args.output);
  const model = ModelClient(args.endpoint, new AzureKeyCredential('bench-key'), {
    retryOptions: { maxRetries: 0 },
    allowInsecureConnection: true,
  });
  const { summary, mimeType } = await describeOnce(deps, args);

  const floor = async (run: string): Promise<void> => {
    // One GET into a buffer of the announced size: the cheapest download the SDK offers.
    const download = await source.download(0);
    const bytes = Buffer.allocUnsafe(download.contentLength ?? 0);
    let filled = 0;
    for await (const chunk of download.readableStreamBody ?? []) {
      (chunk as Buffer).copy(bytes, filled);
      filled += (chunk as Buffer).length;
    }
    const response = await model.path('/chat/completions').post({
      body: {
        messages: [
          { role: 'system', content: summary.systemPrompt },
          {
            role: 'user',
            content: [
              { type: 'text', text: summary.prompt },
              {
                type: 'image_url',
                image_url: { url: `data:${mimeType};base64,${bytes.toString('base64')}`, detail: 'auto' },
              },
            ],
          },
        ],
        max_tokens: summary.maxTokens,
        model: 'gpt-4o',
      },
      queryParameters: { 'api-version': summary.apiVersion },
    });
    if (response.status !== '200') throw new Error(`floor request answered ${response.status}`);
    const document = Buffer.from(JSON.stringify(response.body));
    await out.getBlockBlobClient(`floor/${run}.json`).upload(document, document.length);
  };
  const pipeline = async (run: string): Promise<void> => {
    const outcome = await processBlob(deps, {
      container: args.container,
      name: args.name,
      output: {
        container: args.output,
        resultName: `pipeline/${run}.json`,
        errorName: `pipeline/${run}.error.json`,
      },
    });
    if (outcome.status !== 'succeeded') throw new Error(`pipeline ended ${outcome.status}`);
  };

  const floorMs: number[] = [];
  const pipelineMs: number[] = [];
  for (let item = 0; item < args.warmup + args.items; item++) {
    // Alternate which goes first, so that neither always runs on a warmer cache.
    const order = item % 2 === 0 ? ([floor, pipeline] as const) : ([pipeline, floor] as const);
    for (const step of order) {
      const started = performance.now();
      await step(`${process.pid}-${item}`);
      const elapsed = performance.now() - started;
      if (item >= args.warmup) (step === floor ? floorMs : pipelineMs).push(elapsed);
    }
  }
  return { floorMs, pipelineMs };
});

/** The prompt the pipeline would send for this blob, so that the floor sends the same request. */
async function describeOnce(
  deps: PipelineDeps,
  args: OverheadArgs,
): Promise<{
  summary: { systemPrompt: string; prompt: string; maxTokens: number; apiVersion: string };
  mimeType: string;
}> {
  const outcome = await processBlob(deps, {
    container: args.container,
    name: args.name,
    output: {
      container: args.output,
      resultName: `pipeline/probe-${process.pid}.json`,
      errorName: `pipeline/probe-${process.pid}.error.json`,
    },
  });
  if (outcome.status !== 'succeeded') throw new Error(`probe ended ${outcome.status}`);
  return { summary: outcome.document.request, mimeType: outcome.document.media.mimeType };
}
