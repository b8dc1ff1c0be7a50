import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import pLimit from 'p-limit';
import type { CompletionOverrides } from '../core/completion/CompletionOverrides';
import {
  isConfigurationFault,
  isMediaCompletionsError,
  type MediaCompletionsError,
} from '../core/errors/MediaCompletionsError';
import { processBlob, type PipelineDeps, type ProcessBlobOutcome } from '../core/blob/processBlob';
import { formatOutcome } from './formatOutcome';
import { trackOwnClaims } from './trackOwnClaims';

export interface RunProcessOptions {
  /** The container to read (and to upload local files to). */
  container: string;
  prefix?: string;
  concurrency: number;
  /** Local files to upload first; when empty, every blob in the container (under `prefix`) is processed. */
  files: readonly string[];
  /** Where blocks and the summary go. */
  write: (text: string) => void;
  /** Show a progress bar (on stderr); only sensible on a TTY. */
  progress: boolean;
  /**
   * Aborted on SIGINT/SIGTERM: no new input starts, the claims this process holds are released (a re-run starts
   * at once instead of reporting `in_progress`), and the summary is printed without waiting for inputs in flight.
   */
  signal?: AbortSignal;
  /** Run-level overrides (`--prompt`, ...); a blob's own metadata overrides them. */
  overrides?: CompletionOverrides;
}

export interface ProcessSummary {
  total: number;
  succeeded: number;
  skipped: number;
  failed: number;
  /**
   * Inputs left without a document (a transient failure outlasted the budget, the blob changed, or a
   * configuration fault stopped the run).
   */
  unfinished: number;
  /** Inputs not started or not finished because the run was interrupted (`signal`). */
  interrupted: number;
  /** The configuration fault that stopped the run, if one did (its message names the setting to fix). */
  configurationFault?: MediaCompletionsError;
}

/**
 * Runs the trigger's pipeline over a container or over local files: the same `processBlob`, so the documents,
 * idempotency and retries are the trigger's own.
 */
export async function runProcess(deps: PipelineDeps, options: RunProcessOptions): Promise<ProcessSummary> {
  if (options.container === deps.settings.outputContainer) {
    throw new RangeError(`Refusing to process the output container ${options.container}.`);
  }
  const names = options.files.length > 0 ? await uploadFiles(deps, options) : await listNames(deps, options);
  const summary: ProcessSummary = {
    total: names.length,
    succeeded: 0,
    skipped: 0,
    failed: 0,
    unfinished: 0,
    interrupted: 0,
  };
  const claims = trackOwnClaims(deps.blobs);
  const run: PipelineDeps = { ...deps, blobs: claims.blobs };
  const { signal } = options;
  // A function, not a property read: the flag changes between awaits.
  const stopped = (): boolean => signal?.aborted === true;
  const bars =
    options.progress && names.length > 0
      ? // linewrap: cli-progress otherwise turns the terminal's autowrap off while the bar runs, which cuts every
        // outcome line logged above the bar at the screen width.
        new MultiBar({ clearOnComplete: true, linewrap: true }, Presets.shades_classic)
      : undefined;
  const bar = bars?.create(names.length, 0);
  const print = (text: string): void => {
    if (bars === undefined) options.write(text);
    else bars.log(text);
  };
  const limit = pLimit(options.concurrency);
  const work = Promise.all(
    names.map((name) =>
      limit(async () => {
        if (stopped()) return;
        const source = `${options.container}/${name}`;
        try {
          const outcome = await processBlob(run, {
            container: options.container,
            name,
            ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
          });
          claims.settled(outcome.location);
          if (stopped()) return;
          count(summary, outcome);
          print(formatOutcome(source, outcome));
        } catch (error) {
          if (stopped()) return;
          summary.unfinished++;
          // After the first configuration fault the breaker answers for the model (no call), so the inputs
          // still go through the idempotency check: what is done is reported as done, the rest is left as is.
          if (isConfigurationFault(error)) {
            noteConfigurationFault(summary, error, print);
          } else {
            const reason = isMediaCompletionsError(error) ? `${error.code}: ${error.message}` : String(error);
            print(`== ${source}\nNOT FINISHED (no document written; run again later) ${reason}\n\n`);
          }
        }
        bar?.increment();
      }),
    ),
  );
  const interrupted = await Promise.race([work.then(() => false), aborted(signal)]);
  // Lines logged since the last redraw are only written by a redraw; stop() alone would drop them.
  bars?.update();
  bars?.stop();
  if (interrupted) {
    const released = await claims.releaseAll();
    const { succeeded, skipped, failed, unfinished } = summary;
    summary.interrupted = summary.total - succeeded - skipped - failed - unfinished;
    options.write(`Interrupted: no new input started; ${released} claim(s) of this run released.\n`);
  }
  options.write(
    `${summary.total} input(s): ${summary.succeeded} succeeded, ${summary.skipped} already done, ` +
      `${summary.failed} failed (error documents), ${summary.unfinished} not finished` +
      (summary.interrupted > 0 ? `, ${summary.interrupted} interrupted` : '') +
      (summary.configurationFault === undefined
        ? '.\n'
        : ' (configuration fault above: nothing was recorded for them; run again after the fix).\n'),
  );
  return summary;
}

/** Resolves `true` once the signal is aborted (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve(true);
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve(true);
        },
        { once: true },
      );
  });
}

/** One line for the run, not one identical line per input: the first fault is printed, the others counted. */
function noteConfigurationFault(
  summary: ProcessSummary,
  error: MediaCompletionsError,
  print: (text: string) => void,
): void {
  if (summary.configurationFault !== undefined) return;
  summary.configurationFault = error;
  print(`${error.message}\n\n`);
}

function count(summary: ProcessSummary, outcome: ProcessBlobOutcome): void {
  if (outcome.status === 'succeeded') summary.succeeded++;
  else if (outcome.status === 'failed') summary.failed++;
  else if (outcome.status === 'skipped') summary.skipped++;
  else summary.unfinished++;
}

async function listNames(deps: PipelineDeps, options: RunProcessOptions): Promise<string[]> {
  const names: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await deps.blobs.listPage(options.container, {
      pageSize: 1000,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    names.push(...page.items.map((item) => item.name));
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return names;
}

/** Uploads each file as `<prefix><file name>`; the pipeline then reads it back like any blob. */
async function uploadFiles(deps: PipelineDeps, options: RunProcessOptions): Promise<string[]> {
  await deps.blobs.createContainerIfNotExists(options.container);
  const limit = pLimit(options.concurrency);
  return Promise.all(
    options.files.map((file) =>
      limit(async () => {
        const name = `${options.prefix ?? ''}${path.basename(file)}`;
        await deps.blobs.upload(options.container, name, await readFile(file));
        return name;
      }),
    ),
  );
}
