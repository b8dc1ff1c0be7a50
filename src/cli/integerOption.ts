import { InvalidArgumentError } from 'commander';

/**
 * A commander option parser for whole numbers of at least `min` (1: a count, 0: a port or seed); anything else,
 * including an empty value or a fraction, is refused with commander's usage error.
 */
export function integerOption(min: number): (value: string) => number {
  const expected =
    min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`;
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) {
      throw new InvalidArgumentError(`Expected ${expected}.`);
    }
    return parsed;
  };
}
