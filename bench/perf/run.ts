/**
 * `npm run bench`: every performance figure next to its floor or ideal, measured in the same run on this
 * machine. Starts Azurite and the emulator itself; each measurement runs in a fresh child process. Prints one
 * table and writes the numbers to bench/results/perf-<time>.json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { startAzurite } from '../../src/cli/startAzurite';
import { startEmulator } from '../../src/emulator/startEmulator';
import { BlobServiceClient } from '@azure/storage-blob';
import { runChild } from './child';
import { noiseM4a, noisePng, noiseWav, photoJpeg, screenshotPng } from './fixtures';
import type { AudioConversionArgs, AudioConversionResult } from './figures/audioConversion';
import type { BytesSentArgs, BytesSentResult } from './figures/bytesSent';
import type { ColdStartArgs, ColdStartResult } from './figures/coldStart';
import type { MemoryArgs, MemoryChain, MemoryResult } from './figures/memory';
import type { OverheadArgs, OverheadResult } from './figures/overhead';
import type { ThroughputArgs, ThroughputResult } from './figures/throughput';
import { imageFigures } from './imageFigures';
import { scaleOut, type ScaleOutFigure } from './scaleOut';
import { storageFigures } from './storageFigures';
import { median, round, summarize, type Summary } from './stats';
import type { BenchRow } from './BenchRow';

const REPEATS = 3;
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const started = performance.now();
  const azurite = await startAzurite();
  const azuritePid = childPids()[0];
  const fast = await startEmulator({ key: 'bench-key' });
  const slow = await startEmulator({ key: 'bench-key', latencyMs: 200 });
  const log = (line: string): void => {
    console.error(`[bench ${Math.round((performance.now() - started) / 1000)}s] ${line}`);
  };
  try {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const blobs = new AzureBlobStore(service);
    const container = 'bench-in';
    const output = 'bench-out';
    await blobs.createContainerIfNotExists(container);
    await blobs.createContainerIfNotExists(output);
    const common = { connectionString: azurite.connectionString, container, output };
    const fastEndpoint = `${fast.url}/models`;

    log('fixtures');
    const put = async (name: string, bytes: Uint8Array): Promise<number> => {
      await blobs.upload(container, name, bytes);
      return bytes.length;
    };
    const oneMb = await put('overhead.png', await noisePng(590, 590));
    const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c81e5a' } })
      .png()
      .toBuffer();
    const flat = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#3060a0' } })
      .png()
      .toBuffer();
    await put('warm.png', flat);
    const imageBytes = await put('large.png', await noisePng(2540, 2540));
    const wavBytes = await put('large.wav', noiseWav(20_000_000));
    await put('studio-48k-stereo.wav', noiseWav(20_000_000, { sampleRate: 48000, channels: 2 }));
    await put('memo-30s.m4a', noiseM4a(30));
    const photoBytes = await put('photo.jpg', await photoJpeg(4032, 3024));
    const screenshotBytes = await put('screenshot.png', await screenshotPng(3840, 2160));
    const names = Array.from({ length: 400 }, (_, index) => `items/${String(index).padStart(3, '0')}.png`);
    const limit = pLimit(32);
    await Promise.all(names.map((name) => limit(() => put(name, small))));

    const results: Record<string, unknown> = {};
    const rows: BenchRow[] = [];

    log('1. overhead per item');
    const overheadRuns: OverheadResult[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      overheadRuns.push(
        await runChild<OverheadResult>('overhead', {
          ...common,
          endpoint: fastEndpoint,
          name: 'overhead.png',
          items: 30,
          warmup: 5,
        } satisfies OverheadArgs),
      );
    }
    const overheadRatios = overheadRuns.map((run) => median(run.pipelineMs) / median(run.floorMs));
    const pipelineAll = summarize(overheadRuns.flatMap((run) => run.pipelineMs));
    const floorAll = summarize(overheadRuns.flatMap((run) => run.floorMs));
    results.overhead = {
      inputBytes: oneMb,
      pipelineMs: pipelineAll,
      floorMs: floorAll,
      ratios: overheadRatios,
    };
    rows.push({
      figure: `1. time per item, ${mb(oneMb)} PNG, latency 0`,
      measured: `p50 ${ms(pipelineAll.p50)}, p99 ${ms(pipelineAll.p99)}`,
      floor: `p50 ${ms(floorAll.p50)}, p99 ${ms(floorAll.p99)} (bare SDK)`,
      ratio: spread(overheadRatios, '×'),
      target: '≤ 1.3×',
      met: median(overheadRatios) <= 1.3,
    });

    log('2. throughput');
    const concurrency = 16;
    const latencyMs = 200;
    const ideal = concurrency / (latencyMs / 1000);
    const throughputRuns: ThroughputResult[] = [];
    const otherCpu: { azuriteMs: number; emulatorMs: number }[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const azuriteBefore = processCpuMs(azuritePid);
      const emulatorBefore = process.cpuUsage();
      throughputRuns.push(
        await runChild<ThroughputResult>('throughput', {
          ...common,
          endpoint: `${slow.url}/models`,
          names,
          concurrency,
          run: `t${repeat}`,
        } satisfies ThroughputArgs),
      );
      // Per item, warm-up included (concurrency more items than counted): a slight overestimate.
      const emulatorUsed = process.cpuUsage(emulatorBefore);
      otherCpu.push({
        azuriteMs: (processCpuMs(azuritePid) - azuriteBefore) / names.length,
        emulatorMs: (emulatorUsed.user + emulatorUsed.system) / 1000 / names.length,
      });
    }
    const rates = throughputRuns.map((run) => (run.succeeded / run.elapsedMs) * 1000);
    const cpuPerItem = {
      pipelineMs: median(throughputRuns.map((run) => run.cpuMsPerItem)),
      azuriteMs: median(otherCpu.map((cpu) => cpu.azuriteMs)),
      emulatorMs: median(otherCpu.map((cpu) => cpu.emulatorMs)),
    };
    const cpuCeiling =
      (os.cpus().length * 1000) / (cpuPerItem.pipelineMs + cpuPerItem.azuriteMs + cpuPerItem.emulatorMs);
    results.throughput = {
      items: names.length,
      concurrency,
      latencyMs,
      ideal,
      runs: throughputRuns,
      rates,
      cpuPerItem,
      cpuCeiling,
    };
    rows.push({
      figure: `2. throughput, ${names.length} items, latency ${latencyMs} ms, concurrency ${concurrency}`,
      measured:
        `${round(median(rates), 1)} items/s; CPU per item: pipeline ${ms(cpuPerItem.pipelineMs)}, ` +
        `Azurite ${ms(cpuPerItem.azuriteMs)}, emulator ${ms(cpuPerItem.emulatorMs)}`,
      floor: `${ideal} items/s ideal; ${round(cpuCeiling, 1)} items/s if all ${os.cpus().length} cores were ours`,
      ratio: spread(
        rates.map((rate) => rate / ideal),
        '',
      ),
      target: '≥ 0.9',
      met: median(rates) / ideal >= 0.9,
    });

    log('3. peak memory');
    const memory: Record<string, MemoryResult[]> = {};
    const cases: [string, string, number, MemoryChain[]][] = [
      ['image', 'large.png', imageBytes, ['naive', 'pipeline', 'pipeline-downscale']],
      ['wav', 'large.wav', wavBytes, ['naive', 'pipeline']],
    ];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const [kind, name, , chains] of cases) {
        for (const chain of chains) {
          (memory[`${kind}/${chain}`] ??= []).push(
            await runChild<MemoryResult>(
              'memory',
              { ...common, endpoint: fastEndpoint, name, warmupName: 'warm.png', chain } satisfies MemoryArgs,
              { execArgv: ['--expose-gc'] },
            ),
          );
        }
      }
    }
    results.memory = memory;
    const growth = (key: string, of: (run: MemoryResult) => number): number[] =>
      (memory[key] ?? []).map((run) => of(run) / run.inputBytes);
    for (const [kind, , bytes, chains] of cases) {
      const naive = growth(`${kind}/naive`, (run) => run.rssGrowth);
      for (const chain of chains.filter((c) => c !== 'naive')) {
        const rss = growth(`${kind}/${chain}`, (run) => run.rssGrowth);
        const live = growth(`${kind}/${chain}`, (run) => run.externalGrowth + run.heapGrowth);
        rows.push({
          figure: `3. peak RSS growth, ${mb(bytes)} ${kind.toUpperCase()}, ${chain}`,
          measured: `${spread(rss, '×')} input (JS heap + external ${spread(live, '×')})`,
          floor: `naive chain ${spread(naive, '×')}; floor 1× (the bytes themselves)`,
          ratio: spread(rss, '×'),
          target: '≤ 2.5×',
          met: median(rss) <= 2.5,
        });
      }
    }

    log('4. cold start');
    const functionsDir = path.join(__dirname, '..', '..', 'src', 'functions');
    const entry = readdirSync(functionsDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => path.join(functionsDir, file));
    const env = {
      MediaStorage: azurite.connectionString,
      AZURE_INFERENCE_ENDPOINT: fastEndpoint,
      AZURE_INFERENCE_CREDENTIAL: 'bench-key',
    };
    const bare: ColdStartResult[] = [];
    const full: ColdStartResult[] = [];
    for (let pair = 0; pair < 9; pair++) {
      bare.push(
        await runChild<ColdStartResult>('coldStart', {
          modules: ['@azure/functions'],
          env,
        } satisfies ColdStartArgs),
      );
      full.push(
        await runChild<ColdStartResult>('coldStart', { modules: entry, env } satisfies ColdStartArgs),
      );
    }
    const added = full.map((run, index) => run.loadMs - (bare[index]?.loadMs ?? Number.NaN));
    results.coldStart = { functionModules: entry.length, bare, full, addedMs: added };
    rows.push({
      figure: `4. cold start: load ${entry.length} function modules`,
      measured: `${ms(median(full.map((run) => run.loadMs)))} (${full[0]?.modulesLoaded ?? 0} modules)`,
      floor: `${ms(median(bare.map((run) => run.loadMs)))} @azure/functions alone (${bare[0]?.modulesLoaded ?? 0} modules)`,
      ratio: `+${spread(added, ' ms')}`,
      target: '≤ +150 ms',
      met: median(added) <= 150,
    });

    log('5. bytes sent');
    const bytesSent: Record<string, BytesSentResult> = {};
    for (const [label, name] of [
      ['12 MP JPEG photo', 'photo.jpg'],
      ['4K PNG screenshot', 'screenshot.png'],
    ] as const) {
      const result = await runChild<BytesSentResult>('bytesSent', {
        ...common,
        endpoint: fastEndpoint,
        name,
        repeats: REPEATS,
      } satisfies BytesSentArgs);
      bytesSent[label] = result;
      const fewer = result.original.sentBytes / result.downscaled.sentBytes;
      const sameTokens = result.original.promptTokens === result.downscaled.promptTokens;
      rows.push({
        figure: `5. bytes sent, ${label} ${result.width}×${result.height} (${mb(result.inputBytes)})`,
        measured:
          `${mb(result.downscaled.sentBytes)} as ${result.downscaled.width ?? 0}×${result.downscaled.height ?? 0}, ` +
          `${ms(median(result.downscaled.totalMs))} end to end, prompt_tokens ${result.downscaled.promptTokens ?? '?'}`,
        floor:
          `${mb(result.original.sentBytes)} unscaled, ${ms(median(result.original.totalMs))}, ` +
          `prompt_tokens ${result.original.promptTokens ?? '?'}`,
        ratio: `${round(fewer, 1)}× fewer bytes${sameTokens ? ', same tokens' : ', TOKENS DIFFER'}`,
        target: '≥ 5×, same prompt_tokens',
        met: fewer >= 5 && sameTokens,
      });
    }
    results.bytesSent = bytesSent;
    results.sizes = { photoBytes, screenshotBytes };

    log('6. scale-out');
    const scaleNames = Array.from(
      { length: 120 },
      (_, index) => `scale/${String(index).padStart(3, '0')}.png`,
    );
    await Promise.all(scaleNames.map((name) => limit(() => put(name, small))));
    const scale: ScaleOutFigure = await scaleOut({
      connectionString: azurite.connectionString,
      blobs,
      container,
      output,
      prefix: 'scale/',
      items: scaleNames.length,
      repeats: 2,
      log,
    });
    results.scaleOut = scale;
    rows.push(scale.row);

    log('7. audio conversion');
    const audioConversion: Record<string, AudioConversionResult> = {};
    for (const [label, name] of [
      ['30 s m4a (AAC, 44.1 kHz stereo)', 'memo-30s.m4a'],
      ['20 MB WAV (PCM16, 48 kHz stereo)', 'studio-48k-stereo.wav'],
    ] as const) {
      const result = await runChild<AudioConversionResult>('audioConversion', {
        ...common,
        endpoint: fastEndpoint,
        name,
        repeats: REPEATS,
      } satisfies AudioConversionArgs);
      audioConversion[label] = result;
      const { plain, compact } = result;
      const sameTokens = plain.promptTokens === compact.promptTokens;
      const describe = (run: typeof plain): string =>
        `${mb(run.sentBytes)} at ${run.sentSampleRate ?? '?'} Hz${run.converted ? '' : ' (as is)'}, ` +
        `ffmpeg ${ms(median(run.ffmpegCpuMs))} CPU, prompt_tokens ${run.promptTokens ?? '?'}`;
      rows.push({
        figure: `7. audio, ${label} (${mb(result.inputBytes)}, ${round(result.durationSeconds, 1)} s)`,
        measured: `MEDIA_AUDIO_COMPACT: ${describe(compact)}`,
        floor: `default: ${describe(plain)}`,
        ratio: `${round(plain.sentBytes / compact.sentBytes, 1)}× fewer bytes${sameTokens ? ', same tokens' : ', TOKENS DIFFER'}`,
        target: 'same prompt_tokens',
        met: sameTokens,
      });
    }
    results.audioConversion = audioConversion;

    const images = await imageFigures({
      common,
      endpoint: fastEndpoint,
      put,
      warmupName: 'warm.png',
      repeats: REPEATS,
      log,
    });
    rows.push(...images.rows);
    Object.assign(results, images.results);

    const storage = await storageFigures({
      common,
      endpoint: fastEndpoint,
      put,
      smallPng: small,
      repeats: REPEATS,
      log,
    });
    rows.push(...storage.rows);
    Object.assign(results, storage.results);

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg().map((value) => round(value, 2)),
    };
    const totalSeconds = round((performance.now() - started) / 1000, 1);
    printTable(rows);
    console.log(
      `\nMachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
        `load average at the end ${machine.loadAverage.join(' ')}; bench took ${totalSeconds} s.`,
    );
    const dir = path.join(__dirname, '..', '..', '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `perf-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ machine, totalSeconds, rows, results }, null, 2)}\n`);
    console.log(`Numbers: ${path.relative(process.cwd(), file)}`);
  } finally {
    await Promise.all([fast.close(), slow.close()]);
    await azurite.stop();
  }
}

/** This process's children, from procfs (Linux): Azurite is the only one right after it starts. */
function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((pid) => pid !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU time (user + system) a process has used so far, from procfs; NaN where there is none. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticksPerSecond = 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

function spread(values: readonly number[], unit: string): string {
  const stats: Summary = summarize(values);
  const digits = unit === ' ms' ? 0 : 2;
  return `${round(stats.p50, digits)}${unit} [${round(stats.min, digits)}–${round(stats.max, digits)}]`;
}

function ms(value: number): string {
  return `${round(value, 1)} ms`;
}

function mb(bytes: number): string {
  return `${round(bytes / MiB, 2)} MiB`;
}

function printTable(rows: readonly BenchRow[]): void {
  const header: BenchRow = {
    figure: 'Figure',
    measured: 'Measured',
    floor: 'Floor / ideal',
    ratio: 'Ratio [min–max]',
    target: 'Target',
    met: undefined,
  };
  const cells = (row: BenchRow): string[] => [
    row.figure,
    row.measured,
    row.floor,
    row.ratio,
    row.target,
    row === header ? 'Met' : row.met === undefined ? 'n/a' : row.met ? 'yes' : 'NO',
  ];
  const [head, ...body] = [header, ...rows].map((row) => `| ${cells(row).join(' | ')} |`);
  console.log([head, `|${' --- |'.repeat(6)}`, ...body].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
