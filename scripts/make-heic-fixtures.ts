/**
 * Writes the HEIC fixtures to test/fixtures/images/: a small photo for the tests and a 12-megapixel one
 * (4032×3024, an iPhone's size) for `npm run bench`. No npm package encodes HEIC (sharp's prebuilt libvips has no
 * HEVC encoder), so the pixels come from sharp and the encoding from libheif's `heif-enc` (Debian:
 * `apt-get install libheif-examples`). Run with `npm run fixtures:heic`; the outputs are committed (each under
 * 200 KB).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(process.argv[2] ?? 'test/fixtures/images');

/**
 * Left half red, right half blue, over a soft vertical gradient, with a little grain so that the encoder has
 * detail to code as in a photo: shows orientation and survives compression.
 */
async function halves(width: number, height: number): Promise<Buffer> {
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const shade = Math.round((y / height) * 60);
    for (let x = 0; x < width; x++) {
      const left = x < width / 2;
      gradient.set(left ? [255, shade, shade] : [shade, shade, 255], (y * width + x) * 3);
    }
  }
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 0, sigma: 6 },
    },
  })
    .raw()
    .toBuffer();
  for (let index = 0; index < gradient.length; index++) {
    gradient[index] = Math.min(255, (gradient[index] ?? 0) + (grain[index] ?? 0));
  }
  return sharp(gradient, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'heic-'));
  try {
    for (const [name, width, height, quality] of [
      ['photo-small.heic', 320, 240, 50],
      ['photo-12mp.heic', 4032, 3024, 40],
    ] as const) {
      const source = path.join(work, `${name}.png`);
      await sharp(await halves(width, height)).toFile(source);
      const target = path.join(root, name);
      execFileSync('heif-enc', ['--quality', String(quality), '-o', target, source], { stdio: 'inherit' });
      console.log(`${target}: ${width}x${height}, ${statSync(target).size} bytes`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
