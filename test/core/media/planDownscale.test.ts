import fc from 'fast-check';
import { planDownscale } from '../../../src/core/media/planDownscale';
import { imageTokens } from '../../../src/core/tokens/imageTokens';

describe('planDownscale', () => {
  it.each([
    [4032, 3024, 'high', { width: 1024, height: 768 }],
    [3024, 4032, 'auto', { width: 768, height: 1024 }],
    [2880, 1800, 'high', { width: 1229, height: 768 }],
    [4096, 1000, 'high', { width: 2048, height: 500 }],
    [4032, 3024, 'low', { width: 512, height: 384 }],
    [1000, 2000, 'low', { width: 256, height: 512 }],
  ] as const)('%ix%i at %s detail → %o', (width, height, detail, expected) => {
    expect(planDownscale(width, height, detail)).toEqual(expected);
  });

  it.each([
    [768, 768, 'high'],
    [1024, 768, 'auto'],
    [2048, 500, 'high'],
    [512, 300, 'low'],
    [1, 1, 'high'],
  ] as const)('leaves %ix%i at %s detail alone', (width, height, detail) => {
    expect(planDownscale(width, height, detail)).toBeUndefined();
  });

  it('never changes the high-detail token count and never enlarges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12000 }), fc.integer({ min: 1, max: 12000 }), (width, height) => {
        const plan = planDownscale(width, height, 'high');
        if (plan === undefined) return;
        expect(plan.width).toBeLessThanOrEqual(width);
        expect(plan.height).toBeLessThanOrEqual(height);
        expect(Math.min(plan.width, plan.height)).toBeLessThanOrEqual(769);
        expect(imageTokens(plan.width, plan.height, 'high')).toBe(imageTokens(width, height, 'high'));
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects impossible dimensions', () => {
    expect(() => planDownscale(0, 10, 'high')).toThrow(RangeError);
    expect(() => planDownscale(10.5, 10, 'low')).toThrow(RangeError);
  });
});
