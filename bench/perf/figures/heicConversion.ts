/**
 * Figure 9, in a child process: the CPU time and bytes of converting one image (a 12 MP HEIC) to what the service
 * accepts, as the pipeline does it: at full size (MEDIA_DOWNSCALE=false) and at the size the model uses. The
 * first conversion also loads the decoder (libheif in WebAssembly); it is reported apart.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SharpImageConverter } from '../../../src/adapters/SharpImageConverter';
import { inspectMedia } from '../../../src/core/media/inspectMedia';
import { prepareImageForModel } from '../../../src/core/media/prepareImageForModel';
import { childArgs, childMain } from '../child';

export interface HeicConversionArgs {
  file: string;
  repeats: number;
}

export interface HeicConversionRun {
  cpuMs: number[];
  wallMs: number[];
  sentBytes: number;
  sentFormat: string;
  width: number;
  height: number;
}

export interface HeicConversionResult {
  inputBytes: number;
  width: number;
  height: number;
  firstCpuMs: number;
  full: HeicConversionRun;
  downscaled: HeicConversionRun;
}

childMain(async (): Promise<HeicConversionResult> => {
  const args = childArgs() as HeicConversionArgs;
  const bytes = readFileSync(args.file);
  const info = inspectMedia(bytes);
  if (info.kind !== 'image') throw new Error(`${args.file} is not an image`);
  const images = new SharpImageConverter({ memoryBytes: 1536 * 1024 * 1024, concurrency: 4 });
  const convert = async (downscale: boolean) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { sent } = await prepareImageForModel(
      { bytes, info },
      { images, downscale, detail: 'auto', animated: 'first-frame' },
    );
    const used = process.cpuUsage(cpu);
    return { sent, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started };
  };
  const first = await convert(true);
  const runs: Record<'full' | 'downscaled', HeicConversionRun> = {
    full: { cpuMs: [], wallMs: [], sentBytes: 0, sentFormat: '', width: 0, height: 0 },
    downscaled: { cpuMs: [], wallMs: [], sentBytes: 0, sentFormat: '', width: 0, height: 0 },
  };
  for (let repeat = 0; repeat < args.repeats; repeat++) {
    for (const variant of ['full', 'downscaled'] as const) {
      const { sent, cpuMs, wallMs } = await convert(variant === 'downscaled');
      const run = runs[variant];
      run.cpuMs.push(cpuMs);
      run.wallMs.push(wallMs);
      Object.assign(run, {
        sentBytes: sent.bytes,
        sentFormat: sent.format,
        width: sent.width ?? 0,
        height: sent.height ?? 0,
      });
    }
  }
  return {
    inputBytes: bytes.length,
    width: info.width,
    height: info.height,
    firstCpuMs: first.cpuMs,
    ...runs,
  };
});
