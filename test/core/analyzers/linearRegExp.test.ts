import Ajv2020 from 'ajv/dist/2020';
import { linearRegExp } from '../../../src/core/analyzers/linearRegExp';

describe('linearRegExp', () => {
  it('validates a pathological pattern over a long text without backtracking', () => {
    // With the native engine this one check runs for longer than the universe; here it ends in milliseconds.
    const ajv = new Ajv2020({ code: { regExp: linearRegExp } });
    const validate = ajv.compile({ type: 'string', pattern: '^(a+)+$' });
    expect(validate(`${'a'.repeat(10_000)}!`)).toBe(false);
    expect(validate('a'.repeat(10_000))).toBe(true);
  });

  it('keeps the meaning of ordinary patterns and refuses what RE2 cannot run', () => {
    const ajv = new Ajv2020({ code: { regExp: linearRegExp } });
    const validate = ajv.compile({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect([validate('EUR'), validate('eur'), validate('EURO')]).toEqual([true, false, false]);
    expect(() => ajv.compile({ type: 'string', pattern: '^(a)\\1$' })).toThrow();
  });
});
