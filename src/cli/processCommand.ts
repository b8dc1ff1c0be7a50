import { Option, type Command } from 'commander';
import { createAppDeps } from '../adapters/createAppDeps';
import { loadConfig } from '../config';
import type { CompletionOverrides } from '../core/completion/CompletionOverrides';
import { selectAnalyzer } from '../core/analyzers/selectAnalyzer';
import { resolveRequestSummary } from '../core/completion/resolveRequestSummary';
import { consoleLogger } from './consoleLogger';
import { emptyInputWarning } from './emptyInputWarning';
import { integerOption } from './integerOption';
import { runProcess } from './runProcess';

interface ProcessFlags {
  container?: string;
  prefix?: string;
  concurrency: number;
  verbose?: boolean;
  prompt?: string;
  system?: string;
  detail?: string;
  maxTokens?: number;
  model?: string;
  analyzer?: string;
}

export function registerProcessCommand(program: Command): void {
  program
    .command('process')
    .description(
      'Run the blob pipeline over every blob in a container, or over local files (uploaded to the input ' +
        'container first). Exit code 0 only when every input ended with a result or error document.',
    )
    .argument('[files...]', 'local image or audio files to upload and process')
    .option('--container <name>', 'container to process (default: MEDIA_INPUT_CONTAINER)')
    .option('--prefix <prefix>', 'only blobs whose names start with this (for files: the upload prefix)')
    .option('--concurrency <n>', 'inputs processed at once', integerOption(1), 4)
    .option('--verbose', 'log pipeline progress (never payloads) on stderr')
    .option('--prompt <text>', "the user prompt for every input (a blob's own metadata still wins)")
    .option('--system <text>', 'the system prompt for every input')
    .addOption(new Option('--detail <level>', 'image detail').choices(['auto', 'low', 'high']))
    .option('--max-tokens <n>', 'max_tokens for every input (at most MEDIA_MAX_TOKENS_CAP)', integerOption(1))
    .option('--model <name>', 'model for every input (must be in MEDIA_ALLOWED_MODELS)')
    .option(
      '--analyzer <name>',
      'analyzer for every input, instead of routing by prefix (metadata still wins)',
    )
    .action(async (files: string[], flags: ProcessFlags) => {
      const config = loadConfig();
      const overrides = runOverrides(flags);
      // Checked now, as a batch does: a bad --prompt fails the run instead of writing an error per input.
      resolveRequestSummary(config.pipeline, [], overrides);
      if (overrides.analyzer !== undefined) {
        selectAnalyzer(config.pipeline.analyzers, { requested: overrides.analyzer }, 'unknown_analyzer');
      }
      const deps = (await createAppDeps(config)).pipeline(consoleLogger(flags.verbose === true));
      await deps.blobs.createContainerIfNotExists(config.pipeline.outputContainer);
      const container = flags.container ?? config.pipeline.inputContainer;
      if (files.length === 0) {
        const warning = await emptyInputWarning(deps.blobs, container, flags.prefix);
        if (warning !== undefined) {
          process.stderr.write(warning);
          return;
        }
      }
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        stop.abort(signal);
      };
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      const summary = await runProcess(deps, {
        container,
        ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
        concurrency: flags.concurrency,
        files,
        write: (text) => process.stdout.write(text),
        progress: process.stderr.isTTY,
        signal: stop.signal,
        overrides,
      });
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      if (stop.signal.aborted) {
        // Inputs in flight still hold sockets open: end now, with the shell's code for the signal (128 + n).
        process.exit(stop.signal.reason === 'SIGTERM' ? 143 : 130);
      }
      process.exitCode = summary.unfinished === 0 ? 0 : 1;
    });
}

function runOverrides(flags: ProcessFlags): CompletionOverrides {
  const overrides: CompletionOverrides = {};
  if (flags.prompt !== undefined) overrides.prompt = flags.prompt;
  if (flags.system !== undefined) overrides.system = flags.system;
  if (flags.detail !== undefined) overrides.detail = flags.detail;
  if (flags.maxTokens !== undefined) overrides.maxTokens = flags.maxTokens;
  if (flags.model !== undefined) overrides.model = flags.model;
  if (flags.analyzer !== undefined) overrides.analyzer = flags.analyzer;
  return overrides;
}
