import path from 'node:path';
import sharp from 'sharp';
import type { BenchRow } from './BenchRow';
import { runChild } from './child';
import type { DecodeMemoryArgs, DecodeMemoryResult } from './figures/decodeMemory';
import type { HeicConversionArgs, HeicConversionResult } from './figures/heicConversion';
import { median, round } from './stats';

export interface ImageFiguresContext {
  common: { connectionString: string; container: string; output: string };
  endpoint: string;
  put: (name: string, bytes: Uint8Array) => Promise<number>;
  warmupName: string;
  repeats: number;
  log: (line: string) => void;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CONCURRENT_UPLOADS = 8;

/**
 * Figures 8 and 9: peak memory of concurrent huge-pixel uploads under the decode budget (issue 11, item 5), and
 * the cost of converting a 12 MP HEIC (issue 13).
 */
export async function imageFigures(
  context: ImageFiguresContext,
): Promise<{ rows: BenchRow[]; results: Record<string, unknown> }> {
  const { log } = context;
  const rows: BenchRow[] = [];
  const results: Record<string, unknown> = {};

  log('8. decode memory: 10000×10000 images, 8 at once');
  // Small files, huge pixel counts: one colour compresses to almost nothing in each format.
  const kinds = [
    ['GIF', 'huge.gif', { id: 'gif', options: {} }],
    ['interlaced PNG', 'huge.png', { id: 'png', options: { progressive: true, compressionLevel: 9 } }],
    ['progressive JPEG', 'huge.jpg', { id: 'jpeg', options: { progressive: true } }],
  ] as const;
  const decode: Record<string, DecodeMemoryResult & { inputBytes: number }> = {};
  for (const [label, name, format] of kinds) {
    const bytes = await sharp({ create: { width: 10000, height: 10000, channels: 3, background: '#3060a0' } })
      .toFormat(format.id, format.options)
      .toBuffer();
    const inputBytes = await context.put(name, bytes);
    const result = await runChild<DecodeMemoryResult>('decodeMemory', {
      ...context.common,
      endpoint: context.endpoint,
      name,
      warmupName: context.warmupName,
      concurrency: CONCURRENT_UPLOADS,
    } satisfies DecodeMemoryArgs);
    decode[label] = { ...result, inputBytes };
    const succeeded = result.outcomes.succeeded ?? 0;
    rows.push({
      figure: `8. peak RSS, ${CONCURRENT_UPLOADS} concurrent 10000×10000 ${label} (${kb(inputBytes)} each)`,
      measured:
        `${mib(result.concurrentPeakRss)} total (${succeeded}/${CONCURRENT_UPLOADS} succeeded, ` +
        `${round(result.concurrentMs / 1000, 1)} s)`,
      floor: `one alone: ${mib(result.alonePeakRss)}; baseline ${mib(result.baselineRss)}`,
      ratio: `${round(result.concurrentPeakRss / GiB, 2)} GiB`,
      target: '≤ 1 GiB, none refused',
      met: result.concurrentPeakRss <= GiB && succeeded === CONCURRENT_UPLOADS,
    });
  }
  results.decodeMemory = decode;

  log('9. conversion: 12 MP HEIC');
  const heic = await runChild<HeicConversionResult>('heicConversion', {
    file: path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'images', 'photo-12mp.heic'),
    repeats: context.repeats,
  } satisfies HeicConversionArgs);
  results.heicConversion = heic;
  for (const variant of ['downscaled', 'full'] as const) {
    const run = heic[variant];
    rows.push({
      figure:
        `9. convert a ${heic.width}×${heic.height} HEIC (${kb(heic.inputBytes)}), ` +
        (variant === 'full' ? 'MEDIA_DOWNSCALE=false' : 'downscaled'),
      measured:
        `CPU ${round(median(run.cpuMs), 0)} ms (wall ${round(median(run.wallMs), 0)} ms) → ` +
        `${kb(run.sentBytes)} ${run.sentFormat.toUpperCase()} ${run.width}×${run.height}`,
      floor: `first conversion (loads the WebAssembly decoder): CPU ${round(heic.firstCpuMs, 0)} ms`,
      ratio: '',
      target: '',
      met: undefined,
    });
  }
  return { rows, results };
}

const kb = (bytes: number): string => `${round(bytes / 1024, 0)} KB`;
const mib = (bytes: number): string => `${round(bytes / MiB, 0)} MiB`;
