import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { EmulatorOptions } from '../emulator/EmulatorOptions';
import { FAULT_KINDS, isFaultKind } from '../emulator/FaultKind';
import type { FaultKind } from '../emulator/FaultKind';
import { DEFAULT_MODEL_PROFILE, MODEL_PROFILES } from '../emulator/modelProfiles';
import { startEmulator } from '../emulator/startEmulator';
import { integerOption } from './integerOption';

interface EmulatorCommandOptions {
  port: number;
  host: string;
  key?: string;
  https?: boolean;
  audience?: string;
  certFile?: string;
  model: string;
  latencyMs?: number | [number, number];
  tpm?: number;
  rpm?: number;
  faults?: FaultKind[];
  faultRate?: number;
  faultKinds?: FaultKind[];
  seed?: number;
  faultRetryAfterMs?: number;
  quiet?: boolean;
}

function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('Expected a non-negative number.');
  }
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = nonNegativeNumber(value);
  if (parsed === 0) throw new InvalidArgumentError('Expected a positive number.');
  return parsed;
}

function latency(value: string): number | [number, number] {
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range === null) return nonNegativeNumber(value);
  const min = Number(range[1]);
  const max = Number(range[2]);
  if (max < min) throw new InvalidArgumentError('Expected min-max with min <= max.');
  return [min, max];
}

function faultList(value: string): FaultKind[] {
  return value.split(',').map((item) => {
    const kind = item.trim();
    if (!isFaultKind(kind))
      throw new InvalidArgumentError(`Unknown fault ${kind}; use ${FAULT_KINDS.join(', ')}.`);
    return kind;
  });
}

function toEmulatorOptions(flags: EmulatorCommandOptions): EmulatorOptions {
  const options: EmulatorOptions = { port: flags.port, host: flags.host, model: flags.model };
  if (flags.key !== undefined) options.key = flags.key;
  if (flags.https === true) options.https = true;
  if (flags.audience !== undefined) options.expectedAudience = flags.audience;
  if (flags.latencyMs !== undefined) options.latencyMs = flags.latencyMs;
  if (flags.tpm !== undefined) options.tpm = flags.tpm;
  if (flags.rpm !== undefined) options.rpm = flags.rpm;
  if (flags.faults !== undefined) options.faults = flags.faults;
  if (flags.faultRate !== undefined) options.faultRate = flags.faultRate;
  if (flags.faultKinds !== undefined) options.faultKinds = flags.faultKinds;
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags.faultRetryAfterMs !== undefined) options.faultRetryAfterMs = flags.faultRetryAfterMs;
  if (flags.quiet !== true)
    options.log = (line) => {
      console.error(line);
    };
  return options;
}

/** `media-completions emulator`: runs the local Azure AI model inference emulator until SIGINT or SIGTERM. */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description(
      'Run a local Azure AI model inference emulator (chat completions with images and audio). ' +
        'Prints the base URL as the first line of stdout; logs one line per request to stderr.',
    )
    .option('--port <port>', 'port to listen on; 0 picks a free one', integerOption(0), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'require this key as api-key or Bearer token (default: accept any credential)')
    .option('--https', 'serve TLS with a self-signed certificate for 127.0.0.1 and localhost')
    .option('--cert-file <path>', 'with --https, write the certificate (PEM) here for clients to trust')
    .option(
      '--audience <audience>',
      'require Bearer JWTs whose aud is this audience or scope, e.g. https://cognitiveservices.azure.com',
    )
    .addOption(
      new Option('--model <profile>', 'model profile (see docs/emulator.md)')
        .choices(Object.keys(MODEL_PROFILES))
        .default(DEFAULT_MODEL_PROFILE),
    )
    .option('--latency-ms <ms>', 'delay before each answer: fixed (200) or a range (50-400)', latency)
    .option('--tpm <tokens>', 'tokens per minute (prompt + max_tokens, charged on arrival)', positiveNumber)
    .option('--rpm <requests>', 'requests per minute', positiveNumber)
    .option(
      '--faults <list>',
      `faults for successive requests, comma-separated: ${FAULT_KINDS.join(', ')}`,
      faultList,
    )
    .option(
      '--fault-rate <p>',
      'probability (0-1) of a random fault after the --faults sequence',
      nonNegativeNumber,
    )
    .option('--fault-kinds <list>', 'kinds of random faults (default 429,503)', faultList)
    .option('--seed <n>', 'seed for random faults and latency (default 1)', integerOption(0))
    .option(
      '--fault-retry-after-ms <ms>',
      'wait that 429 and 503 faults ask for (default 1000)',
      nonNegativeNumber,
    )
    .option('--quiet', 'do not log requests to stderr')
    .action(async (flags: EmulatorCommandOptions) => {
      const emulator = await startEmulator(toEmulatorOptions(flags));
      if (flags.certFile !== undefined && emulator.certificate !== undefined) {
        await writeFile(flags.certFile, emulator.certificate);
      }
      console.log(emulator.url);
      console.error(`model profile ${emulator.profile.name} (${emulator.profile.model}); Ctrl+C to stop`);
      const stop = (): void => {
        void emulator.close().then(() => {
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
