import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { SharpImageConverter } from '../../src/adapters/SharpImageConverter';
import { processBlob } from '../../src/core/blob/processBlob';
import { expectValidResultDocument } from '../support/documentSchemas';
import { testConfig } from '../support/pipeline';
import { pipelineHarness, type PipelineHarness } from '../support/pipelineHarness';

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterAll(async () => {
  await harness.close();
});

/** Noise compresses badly, like the fine detail of a photo. */
function photo(width: number, height: number): Sharp {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });
}

async function run(name: string, bytes: Uint8Array, downscaleImages: boolean, detail = 'auto') {
  await harness.blobs.upload(harness.input, name, bytes, { metadata: { detail } });
  const deps = {
    ...harness.deps,
    images: new SharpImageConverter(harness.deps.settings.imageDecode),
    settings: { ...harness.deps.settings, downscaleImages },
  };
  const outcome = await processBlob(deps, { container: harness.input, name });
  expect(outcome.status).toBe('succeeded');
  const document = (await harness.blobs.readJson(harness.output, `${name}.json`))?.value;
  expectValidResultDocument(document);
  const received = harness.emulator.stats().received.at(-1);
  return { document, received, promptTokens: received?.usage?.prompt_tokens };
}

/** Sixteen colours at random: quick to encode as GIF (noise in full colour takes seconds to quantize). */
function sixteenColours(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    const colour = Math.floor(Math.random() * 16);
    raw.set([colour * 16, 255 - colour * 16, (colour * 40) & 255], pixel * 3);
  }
  return raw;
}

const shortHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 8);

describe('downscaling before the model call', () => {
  it.each([
    ['jpeg', 'auto', 1024, 768],
    ['png', 'high', 1024, 768],
    ['webp', 'low', 512, 384],
  ] as const)(
    'sends a 2400x1800 %s at %s detail as %ix%i with the same prompt_tokens',
    async (format, detail, width, height) => {
      const original = await photo(2400, 1800).toFormat(format).toBuffer();
      const small = await run(`big-${detail}.${format}`, original, true, detail);
      const full = await run(`full-${detail}.${format}`, original, false, detail);

      expect(small.document.media).toMatchObject({ format, width: 2400, height: 1800 });
      expect(small.document.sent).toEqual({
        mimeType: `image/${format}`,
        format,
        bytes: expect.any(Number) as number,
        width,
        height,
        downscaled: true,
        converted: true,
      });
      expect(small.document.sent.bytes).toBeLessThan(original.length / 3);
      expect(small.received?.media[0]).toMatchObject({ mimeType: `image/${format}`, width, height });
      expect(small.received?.media[0]?.bytes).toBe(small.document.sent.bytes);

      expect(full.document.sent).toEqual({
        mimeType: `image/${format}`,
        format,
        bytes: original.length,
        width: 2400,
        height: 1800,
        downscaled: false,
        converted: false,
      });
      expect(full.received?.media[0]?.sha256).toBe(shortHash(original));
      expect(small.promptTokens).toBeGreaterThan(0);
      expect(small.promptTokens).toBe(full.promptTokens);
      // The hash recorded is the stored blob's, whatever was sent.
      expect(small.document.source.sha256).toBe(createHash('sha256').update(original).digest('hex'));
    },
  );

  it('sends a small image byte for byte', async () => {
    const original = await photo(640, 480).jpeg().toBuffer();
    const { document, received } = await run('small.jpg', original, true);
    expect(document.sent).toEqual({
      mimeType: 'image/jpeg',
      format: 'jpeg',
      bytes: original.length,
      width: 640,
      height: 480,
      downscaled: false,
      converted: false,
    });
    expect(received?.media[0]?.sha256).toBe(shortHash(original));
  });

  it('sends a GIF as a palette PNG', async () => {
    const gif = await sharp(sixteenColours(2400, 1800), { raw: { width: 2400, height: 1800, channels: 3 } })
      .gif({ dither: 0 })
      .toBuffer();
    const { document } = await run('anim.gif', gif, true);
    expect(document.sent).toMatchObject({
      mimeType: 'image/png',
      width: 1024,
      height: 768,
      downscaled: true,
    });
  });

  it('is on by default and off with MEDIA_DOWNSCALE=false', () => {
    expect(testConfig().pipeline.downscaleImages).toBe(true);
    expect(testConfig({ MEDIA_DOWNSCALE: 'false' }).pipeline.downscaleImages).toBe(false);
    expect(testConfig({ MEDIA_DOWNSCALE: 'TRUE' }).pipeline.downscaleImages).toBe(true);
    expect(() => testConfig({ MEDIA_DOWNSCALE: 'no' })).toThrow(/MEDIA_DOWNSCALE must be true or false/);
  });
});
