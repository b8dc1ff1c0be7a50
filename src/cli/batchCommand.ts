import type { Command } from 'commander';
import { createAppDeps } from '../adapters/createAppDeps';
import { loadConfig } from '../config';
import { createBatch } from '../core/batch/createBatch';
import { getBatchStatus } from '../core/batch/getBatchStatus';
import { parseBatchRequest } from '../core/batch/parseBatchRequest';
import { consoleLogger } from './consoleLogger';
import { downloadBatchResults } from './downloadBatchResults';
import { emptyInputWarning } from './emptyInputWarning';
import { formatBatchStatus } from './formatBatchStatus';
import { integerOption } from './integerOption';
import { batchQueueBindings } from './batchQueueBindings';
import { runBatch } from './runBatch';

interface BatchFlags {
  container?: string;
  prefix?: string;
  manifest?: string;
  prompt?: string;
  system?: string;
  detail?: string;
  maxTokens?: number;
  model?: string;
  analyzer?: string;
  concurrency: number;
  enqueue?: boolean;
  force?: boolean;
  verbose?: boolean;
}

interface WorkerFlags {
  inFlight: number;
  visibilityTimeout: number;
  idleExit?: number;
}

/** `media-completions batch ...`, `batch status <id>` and `batch worker`. */
export function registerBatchCommand(program: Command): void {
  const batch = program
    .command('batch')
    .description(
      'Process a whole container (or a JSONL manifest) as a batch: item documents under batches/<id>/items/, ' +
        'then results.jsonl and errors.jsonl in the OpenAI Batch output format. Runs in this process, or with ' +
        '--enqueue on the deployed app.',
    )
    .option('--container <name>', 'container to process (default: MEDIA_INPUT_CONTAINER)')
    .option('--prefix <prefix>', 'only blobs whose names start with this')
    .option(
      '--manifest <container/name.jsonl>',
      'JSONL lines {"custom_id","blob","prompt"?,...} instead of a container',
    )
    .option('--prompt <text>', 'the user prompt for every item')
    .option('--system <text>', 'the system prompt for every item')
    .option('--detail <level>', 'image detail: auto, low or high')
    .option('--max-tokens <n>', 'max_tokens for every item', integerOption(1))
    .option('--model <name>', 'model (must be in MEDIA_ALLOWED_MODELS)')
    .option('--analyzer <name>', 'analyzer for every item, instead of routing by prefix')
    .option('--concurrency <n>', 'items processed at once (in-process runs)', integerOption(1), 8)
    .option('--enqueue', 'submit to the deployed app through its queue instead of running here')
    .option('--force', 'start a new batch even if an identical request made one before')
    .option('--verbose', 'log pipeline progress (never payloads) on stderr')
    .action(async (flags: BatchFlags) => {
      const config = loadConfig();
      const deps = await (await createAppDeps(config)).batch(consoleLogger(flags.verbose === true));
      const request = parseBatchRequest(
        {
          ...(flags.manifest === undefined
            ? { container: flags.container ?? config.pipeline.inputContainer, prefix: flags.prefix }
            : { manifest: flags.manifest }),
          prompt: flags.prompt,
          system: flags.system,
          detail: flags.detail,
          max_tokens: flags.maxTokens,
          model: flags.model,
          analyzer: flags.analyzer,
          force: flags.force === true,
        },
        config.pipeline,
      );
      await deps.blobs.createContainerIfNotExists(config.pipeline.outputContainer);
      if (request.source.kind === 'container') {
        const warning = await emptyInputWarning(deps.blobs, request.source.container, request.source.prefix);
        if (warning !== undefined) {
          process.stderr.write(`${warning}No batch was created.\n`);
          return;
        }
      }
      if (flags.enqueue === true) {
        const { item, plan } = config.batch.queues;
        await Promise.all([item, plan].map((queue) => deps.queue.createIfNotExists(queue)));
        const { record, created } = await createBatch(deps, request);
        process.stdout.write(
          `Batch ${record.id} ${created ? 'submitted' : 'already exists'}; ` +
            `follow it with: media-completions batch status ${record.id}\n`,
        );
        return;
      }
      const view = await runBatch(deps, {
        request,
        concurrency: flags.concurrency,
        progress: process.stderr.isTTY,
        write: (text) => process.stdout.write(text),
      });
      process.exitCode = view.status === 'completed' ? 0 : 1;
    });

  batch
    .command('status')
    .description('Show a batch: status, request counts, token totals and output files.')
    .argument('<id>', 'the batch id (batch_...)')
    .action(async (id: string) => {
      const config = loadConfig();
      const { blobs } = (await createAppDeps(config)).pipeline(consoleLogger(false));
      const view = await getBatchStatus({ blobs, settings: config.pipeline }, id);
      if (view === undefined) throw new Error(`No batch ${id} in ${config.pipeline.outputContainer}.`);
      process.stdout.write(formatBatchStatus(view));
    });

  batch
    .command('results')
    .description(
      "Download a finished batch's results.jsonl and errors.jsonl (and outputs.* when present) into a folder.",
    )
    .argument('<id>', 'the batch id (batch_...)')
    .option('--out <dir>', 'folder to write them into (default: ./<id>)')
    .action(async (id: string, flags: { out?: string }) => {
      const config = loadConfig();
      const { blobs } = (await createAppDeps(config)).pipeline(consoleLogger(false));
      const view = await getBatchStatus({ blobs, settings: config.pipeline }, id);
      if (view === undefined) throw new Error(`No batch ${id} in ${config.pipeline.outputContainer}.`);
      const written = await downloadBatchResults(blobs, config.pipeline.outputContainer, view, {
        dir: flags.out ?? id,
      });
      for (const file of written) process.stdout.write(`${file.path} (${file.bytes} bytes)\n`);
    });

  batch
    .command('worker')
    .description(
      'Drain the batch queues locally with the Functions queue handlers, the way the host would (for local ' +
        'development against Azurite without Core Tools). Needs a connection string.',
    )
    .option(
      '--in-flight <n>',
      'messages in flight per queue (batchSize + newBatchThreshold)',
      integerOption(1),
      16,
    )
    .option(
      '--visibility-timeout <seconds>',
      'how long a received message stays hidden',
      integerOption(1),
      300,
    )
    .option('--idle-exit <ms>', 'exit after the queues were empty this long', integerOption(1))
    .action(async (flags: WorkerFlags) => {
      const config = loadConfig();
      if (config.storage.kind !== 'connectionString') {
        throw new Error('batch worker needs a storage connection string (MediaStorage).');
      }
      const [{ QueueServiceClient }, { runQueueWorker }] = await Promise.all([
        import('@azure/storage-queue'),
        import('./runQueueWorker'),
      ]);
      const service = QueueServiceClient.fromConnectionString(config.storage.connectionString);
      const bindings = await batchQueueBindings(config);
      await Promise.all(bindings.map((binding) => service.getQueueClient(binding.queue).createIfNotExists()));
      const stats = await runQueueWorker({
        service,
        bindings,
        maxDequeueCount: config.batch.maxDequeueCount,
        visibilityTimeoutSeconds: flags.visibilityTimeout,
        concurrency: flags.inFlight,
        ...(flags.idleExit === undefined ? {} : { idleExitMs: flags.idleExit }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${JSON.stringify(stats)}\n`);
    });
}
