/**
 * Regenerates the bundled demo samples in samples/: a small bar chart (PNG, drawn from SVG by sharp) and a
 * 1.5-second two-tone WAV. Run with `npm run samples`; the outputs are committed so the demo needs no tools.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
  console.log(`Wrote ${path.join(root, 'chart.png')} (${png.length} bytes) and tone.wav`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
