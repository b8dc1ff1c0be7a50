/** Audio input is billed at about 10 tokens per second; partial seconds round up. */
export function audioTokens(durationSeconds: number): number {
  if (!(durationSeconds >= 0 && Number.isFinite(durationSeconds))) {
    throw new RangeError(`Audio duration must be a non-negative number of seconds, got ${durationSeconds}.`);
  }
  return Math.ceil(durationSeconds * 10);
}
