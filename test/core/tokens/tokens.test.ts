import { audioTokens } from '../../../src/core/tokens/audioTokens';
import { imageTokens } from '../../../src/core/tokens/imageTokens';
import { textTokens } from '../../../src/core/tokens/textTokens';
import { DOCUMENTED_IMAGE_TOKENS } from './documentedImageTokens';

describe('imageTokens', () => {
  it.each(DOCUMENTED_IMAGE_TOKENS)(
    'reproduces the documented example %ix%i %s → %i',
    (width, height, detail, expected) => {
      expect(imageTokens(width, height, detail)).toBe(expected);
    },
  );

  it('counts auto as high and never upscales small images', () => {
    expect(imageTokens(1024, 1024, 'auto')).toBe(765);
    expect(imageTokens(10, 10, 'high')).toBe(255);
  });

  it('uses other rates, e.g. GPT-4o mini', () => {
    expect(imageTokens(1024, 1024, 'high', { baseTokens: 2833, tileTokens: 5667 })).toBe(2833 + 4 * 5667);
    expect(imageTokens(1024, 1024, 'low', { baseTokens: 2833, tileTokens: 5667 })).toBe(2833);
  });

  it('rejects non-positive dimensions', () => {
    expect(() => imageTokens(0, 10)).toThrow(RangeError);
    expect(() => imageTokens(Number.NaN, 10)).toThrow(RangeError);
  });
});

describe('audioTokens and textTokens', () => {
  it('counts about 10 tokens per second, rounding up', () => {
    expect(audioTokens(2)).toBe(20);
    expect(audioTokens(0.01)).toBe(1);
    expect(audioTokens(0)).toBe(0);
    expect(() => audioTokens(-1)).toThrow(RangeError);
  });

  it('counts about one token per four characters', () => {
    expect(textTokens('')).toBe(0);
    expect(textTokens('abcd')).toBe(1);
    expect(textTokens('abcde')).toBe(2);
  });
});
