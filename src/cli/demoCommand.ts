import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { createAppDeps } from '../adapters/createAppDeps';
import { loadConfig, type Env } from '../config';
import type { RunningEmulator } from '../emulator/RunningEmulator';
import { startEmulator } from '../emulator/startEmulator';
import { consoleLogger } from './consoleLogger';
import { runProcess } from './runProcess';
import { startAzurite, type RunningAzurite } from './startAzurite';

/** The bundled samples, next to `dist/` (and `src/`) in the package. */
export const SAMPLES_DIR = path.join(__dirname, '..', '..', 'samples');
const SAMPLES = ['chart.png', 'tone.wav'];
/** Shown with its structured output when the configured analyzers (the bundled analyzers.json) have it. */
const STRUCTURED_SAMPLE = { file: 'receipt.png', analyzer: 'receipts' };

interface DemoFlags {
  verbose?: boolean;
}

/**
 * With no configuration: in-memory Azurite plus the in-process emulator, the bundled samples, the pipeline, and
 * shutdown. A configured endpoint or storage account is used instead of its local stand-in, and said so.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Process the bundled samples end to end; needs no configuration (starts Azurite and the emulator).',
    )
    .option('--verbose', 'log pipeline progress (never payloads) on stderr')
    .action(async (flags: DemoFlags) => {
      process.exitCode = await runDemo(process.env, flags.verbose === true, (text) =>
        process.stdout.write(text),
      );
    });
}

/** Returns the exit code: 0 when every sample ended with a document. */
export async function runDemo(env: Env, verbose: boolean, write: (text: string) => void): Promise<number> {
  const hasStorage = ['MediaStorage', 'MediaStorage__blobServiceUri', 'AzureWebJobsStorage'].some(
    (name) => (env[name] ?? '') !== '',
  );
  const hasEndpoint = (env.AZURE_INFERENCE_ENDPOINT ?? '') !== '';
  let azurite: RunningAzurite | undefined;
  let emulator: RunningEmulator | undefined;
  try {
    const demoEnv: Record<string, string | undefined> = { ...env };
    if (hasStorage) {
      write('Using the configured storage account.\n');
    } else {
      write('Starting Azurite (in memory)...\n');
      azurite = await startAzurite();
      demoEnv.MediaStorage = azurite.connectionString;
    }
    if (hasEndpoint) {
      write(`Using the configured model endpoint ${new URL(env.AZURE_INFERENCE_ENDPOINT ?? '').host}.\n`);
    } else {
      const key = randomBytes(16).toString('hex');
      emulator = await startEmulator({ key });
      write(`Started the model emulator at ${emulator.url}.\n`);
      Object.assign(demoEnv, {
        AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
        AZURE_INFERENCE_CREDENTIAL: key,
        AZURE_INFERENCE_MODEL: env.AZURE_INFERENCE_MODEL ?? 'gpt-4o',
      });
    }
    const config = loadConfig(demoEnv);
    const deps = (await createAppDeps(config)).pipeline(consoleLogger(verbose));
    const { inputContainer, outputContainer } = config.pipeline;
    await deps.blobs.createContainerIfNotExists(inputContainer);
    await deps.blobs.createContainerIfNotExists(outputContainer);
    write(`Uploading ${SAMPLES.join(', ')} to ${inputContainer}/demo/ and processing them...\n\n`);
    const summary = await runProcess(deps, {
      container: inputContainer,
      prefix: 'demo/',
      concurrency: 2,
      files: SAMPLES.map((file) => path.join(SAMPLES_DIR, file)),
      write,
      progress: false,
    });
    let unfinished = summary.unfinished;
    if (config.pipeline.analyzers?.byName.get(STRUCTURED_SAMPLE.analyzer)?.output !== undefined) {
      write(
        `Uploading ${STRUCTURED_SAMPLE.file} to ${inputContainer}/demo/ for the ${STRUCTURED_SAMPLE.analyzer} ` +
          'analyzer (structured output, validated against its JSON Schema)...\n\n',
      );
      const structured = await runProcess(deps, {
        container: inputContainer,
        prefix: 'demo/',
        concurrency: 1,
        files: [path.join(SAMPLES_DIR, STRUCTURED_SAMPLE.file)],
        write,
        progress: false,
        overrides: { analyzer: STRUCTURED_SAMPLE.analyzer },
      });
      unfinished += structured.unfinished;
    }
    write(
      azurite === undefined
        ? `Documents are in the ${outputContainer} container.\n`
        : `Documents were in ${outputContainer} on the in-memory Azurite, which now shuts down.\n`,
    );
    return unfinished === 0 ? 0 : 1;
  } finally {
    await emulator?.close();
    await azurite?.stop();
  }
}
