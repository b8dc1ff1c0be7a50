/**
 * Regenerates the bundled demo samples in samples/: a small bar chart and a café receipt (PNGs, drawn from SVG by
 * sharp), a 1.5-second two-tone WAV and a short spoken call (`call.wav`, synthesized by espeak-ng, the Debian
 * package `espeak-ng`, resampled to 8 kHz telephone audio by the bundled ffmpeg; skipped with a note when espeak-ng
 * is not installed). Run with `npm run samples`; the outputs are committed so the demo needs no tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import sharp from 'sharp';
import { wav } from '../test/core/media/fixtures';

/** Output folder: the first argument, else `samples/` under the current directory (npm runs from the root). */
const root = path.resolve(process.argv[2] ?? 'samples');

function chartSvg(): string {
  const values = [42, 68, 55, 91];
  const labels = ['Q1', 'Q2', 'Q3', 'Q4'];
  const bars = values
    .map((value, index) => {
      const x = 60 + index * 80;
      const height = value * 2;
      return (
        `<rect x="${x}" y="${240 - height}" width="50" height="${height}" fill="#2b7bb9"/>` +
        `<text x="${x + 25}" y="262" font-size="16" text-anchor="middle" font-family="sans-serif">${labels[index] ?? ''}</text>` +
        `<text x="${x + 25}" y="${232 - height}" font-size="14" text-anchor="middle" font-family="sans-serif">${value}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="280">` +
    `<rect width="400" height="280" fill="white"/>` +
    `<text x="200" y="28" font-size="20" text-anchor="middle" font-family="sans-serif">Quarterly sales</text>` +
    `<line x1="45" y1="240" x2="380" y2="240" stroke="black"/><line x1="45" y1="40" x2="45" y2="240" stroke="black"/>` +
    `${bars}</svg>`
  );
}

/** The receipt the `receipts` analyzer reads: merchant, date, currency, total and line items, in monospace. */
const RECEIPT = {
  merchant: 'Harbour Café',
  address: '12 Quay Street, Galway',
  date: '2026-11-14',
  time: '09:42',
  currency: 'EUR',
  lines: [
    { description: 'Flat white', quantity: 2, amount: 6.8 },
    { description: 'Butter croissant', quantity: 1, amount: 2.9 },
    { description: 'Sparkling water', quantity: 1, amount: 2.5 },
  ],
  total: 12.2,
} as const;

function receiptSvg(): string {
  const width = 360;
  const row = (y: number, left: string, right: string, size = 16): string =>
    `<text x="24" y="${y}" font-size="${size}" font-family="monospace">${left}</text>` +
    `<text x="${width - 24}" y="${y}" font-size="${size}" font-family="monospace" text-anchor="end">${right}</text>`;
  const items = RECEIPT.lines
    .map((line, index) =>
      row(200 + index * 28, `${line.quantity} x ${line.description}`, line.amount.toFixed(2)),
    )
    .join('');
  const rule = (y: number): string =>
    `<line x1="24" y1="${y}" x2="${width - 24}" y2="${y}" stroke="black" stroke-dasharray="4 3"/>`;
  const after = 200 + RECEIPT.lines.length * 28;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${after + 110}">` +
    `<rect width="100%" height="100%" fill="#fffdf6"/>` +
    `<text x="${width / 2}" y="48" font-size="24" font-weight="bold" text-anchor="middle" font-family="monospace">${RECEIPT.merchant}</text>` +
    `<text x="${width / 2}" y="76" font-size="14" text-anchor="middle" font-family="monospace">${RECEIPT.address}</text>` +
    row(120, `Date ${RECEIPT.date}`, RECEIPT.time, 14) +
    rule(150) +
    items +
    rule(after - 6) +
    row(after + 26, 'TOTAL', `${RECEIPT.currency} ${RECEIPT.total.toFixed(2)}`, 20) +
    `<text x="${width / 2}" y="${after + 80}" font-size="14" text-anchor="middle" font-family="monospace">Thank you!</text>` +
    `</svg>`
  );
}

/** What `call.wav` says: a short voicemail with a summary, action items and a sentiment to extract. */
const CALL_SCRIPT =
  'Hi, this is Dana from Northwind Logistics, calling about order forty-four seventy-one. ' +
  'The shipment is delayed until Thursday, sorry about that. ' +
  'Could you confirm the new delivery address by email today, and call me back tomorrow morning? Thanks!';

/**
 * `CALL_SCRIPT` spoken by espeak-ng, as 8 kHz mono 16-bit PCM (call recordings are telephone audio), or
 * `undefined` when espeak-ng is not installed. ffmpeg writes to a file: to a pipe it would leave the WAV sizes unset.
 */
function callWav(): Buffer | undefined {
  if (spawnSync('espeak-ng', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'call-'));
  try {
    const spoken = path.join(dir, 'spoken.wav');
    const resampled = path.join(dir, 'call.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', spoken, CALL_SCRIPT]);
    execFileSync(ffmpeg.path, [
      '-v',
      'error',
      '-i',
      spoken,
      '-ar',
      '8000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      resampled,
    ]);
    return readFileSync(resampled);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 16 kHz mono 16-bit PCM: 0.75 s at 440 Hz then 0.75 s at 660 Hz, with short fades to avoid clicks. */
function toneWav(): Buffer {
  const sampleRate = 16_000;
  const seconds = 1.5;
  const count = Math.round(sampleRate * seconds);
  const fade = Math.round(sampleRate * 0.02);
  const data = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) {
    const frequency = i < count / 2 ? 440 : 660;
    const envelope = Math.min(1, i / fade, (count - i) / fade);
    const sample = Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 0.4 * envelope;
    data.writeInt16LE(Math.round(sample * 32767), i * 2);
  }
  return wav({ sampleRate, samples: data });
}

async function main(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const png = await sharp(Buffer.from(chartSvg())).png({ compressionLevel: 9, palette: true }).toBuffer();
  writeFileSync(path.join(root, 'chart.png'), png);
  writeFileSync(path.join(root, 'tone.wav'), toneWav());
  const receipt = await sharp(Buffer.from(receiptSvg()))
    .png({ compressionLevel: 9, palette: true })
    .toBuffer();
  writeFileSync(path.join(root, 'receipt.png'), receipt);
  console.log(
    `Wrote ${path.join(root, 'chart.png')} (${png.length} bytes), receipt.png (${receipt.length} bytes), tone.wav`,
  );
  const call = callWav();
  if (call === undefined) {
    console.log('espeak-ng is not installed (apt-get install espeak-ng): kept the committed call.wav');
  } else {
    writeFileSync(path.join(root, 'call.wav'), call);
    console.log(`Wrote call.wav (${call.length} bytes)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
