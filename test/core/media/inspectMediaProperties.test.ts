import fc from 'fast-check';
import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import { inspectMedia } from '../../../src/core/media/inspectMedia';

const SIGNATURES = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
  [0xff, 0xd8, 0xff],
  [...Buffer.from('GIF89a')],
  [...Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')],
  [...Buffer.from('RIFF\0\0\0\0WEBPVP8L', 'latin1')],
  [...Buffer.from('RIFF\0\0\0\0WEBPVP8X', 'latin1')],
  [...Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1')],
  [...Buffer.from('ID3\x03\0\0', 'latin1')],
  [0xff, 0xfb, 0x90, 0x00],
  [...Buffer.from('II*\0', 'latin1')],
  [...Buffer.from('MM\0*', 'latin1')],
  [...Buffer.from('BM', 'latin1'), ...Array<number>(24).fill(0)],
  [...Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1')],
  [...Buffer.from('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf', 'latin1')],
  [],
];

describe('inspectMedia on arbitrary bytes behind every signature', () => {
  it('returns sane values or throws a MediaCompletionsError, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNATURES), fc.uint8Array({ maxLength: 2048 }), (signature, tail) => {
        const bytes = Uint8Array.from([...signature, ...tail]);
        try {
          const info = inspectMedia(bytes);
          if (info.kind === 'image') {
            expect(info.width).toBeGreaterThan(0);
            expect(info.height).toBeGreaterThan(0);
            expect(Math.max(info.width, info.height)).toBeLessThanOrEqual(2 ** 32);
          } else {
            expect(Number.isFinite(info.durationSeconds)).toBe(true);
            expect(info.durationSeconds).toBeGreaterThanOrEqual(0);
            expect(info.sampleRate).toBeGreaterThan(0);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(MediaCompletionsError);
        }
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});
