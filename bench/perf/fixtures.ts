import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import sharp from 'sharp';

/** Noise does not compress: `width`×`height` RGB pixels make a PNG of about 3 bytes per pixel. */
export function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * A stand-in for a phone photo: smooth colour fields with sensor-like grain, so JPEG sizes land where real
 * 12 MP photos do (a few MB at quality 90).
 */
export async function photoJpeg(width: number, height: number): Promise<Buffer> {
  const fields = await sharp(randomBytes(48 * 36 * 3), { raw: { width: 48, height: 36, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .png()
    .toBuffer();
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 128, sigma: 16 },
    },
  })
    .png()
    .toBuffer();
  return sharp(fields)
    .composite([{ input: grain, blend: 'soft-light' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

const WORDS =
  'the pipeline reads each blob once scales images to what the model uses and streams the request body so ' +
  'memory stays near the size of the file while throughput follows the latency of the model deployment';

/**
 * A stand-in for a 2× (Retina / 4K) desktop screenshot: a title bar, a sidebar, a photo, and paragraphs of
 * anti-aliased text rendered with a real font.
 */
export async function screenshotPng(width: number, height: number): Promise<Buffer> {
  const words = WORDS.split(' ');
  const paragraphs = Array.from({ length: 40 }, (_, p) =>
    Array.from({ length: 60 }, (_, w) => words[(p * 7 + w * 3) % words.length]).join(' '),
  ).join('\n\n');
  const textWidth = Math.round(width * 0.5);
  const rendered = await sharp({
    text: {
      text: `<span foreground="#202228">${paragraphs}</span>`,
      font: 'sans 11',
      dpi: 144,
      width: textWidth,
      rgba: true,
      wrap: 'word',
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const text = await sharp(rendered.data)
    .extract({
      left: 0,
      top: 0,
      width: rendered.info.width,
      height: Math.min(rendered.info.height, height - 140),
    })
    .png()
    .toBuffer();
  const bar = await solid(width, 56, '#2b2d42');
  const sidebar = await solid(Math.round(width * 0.16), height - 56, '#e8eaf0');
  const photoWidth = Math.round(width * 0.26);
  const photo = await sharp(await photoJpeg(photoWidth, Math.round(photoWidth * 0.75)))
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#fafafa' } })
    .composite([
      { input: bar, left: 0, top: 0 },
      { input: sidebar, left: 0, top: 56 },
      { input: text, left: Math.round(width * 0.19), top: 100 },
      { input: photo, left: Math.round(width * 0.72), top: 100 },
    ])
    .png()
    .toBuffer();
}

function solid(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A 16-bit WAV of `dataBytes` bytes of samples (noise); mono 16 kHz unless told. */
export function noiseWav(
  dataBytes: number,
  { sampleRate = 16000, channels = 1 }: { sampleRate?: number; channels?: number } = {},
): Buffer {
  const blockAlign = 2 * channels;
  const even = dataBytes - (dataBytes % blockAlign);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + even, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(even, 40);
  return Buffer.concat([header, randomBytes(even)]);
}

/** `seconds` of 44.1 kHz stereo music-like noise encoded as an AAC m4a (128 kbit/s) by the shipped ffmpeg. */
export function noiseM4a(seconds: number): Buffer {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'bench-audio-'));
  const file = path.join(folder, 'memo.m4a');
  try {
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i'];
    const source = `anoisesrc=color=pink:sample_rate=44100:duration=${seconds}`;
    const result = spawnSync(ffmpeg.path, [
      ...args,
      source,
      '-ac',
      '2',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-y',
      file,
    ]);
    if (result.status !== 0) throw new Error(`ffmpeg could not encode the m4a: ${result.stderr.toString()}`);
    return readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
