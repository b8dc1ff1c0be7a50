/** Time as the pipeline sees it; tests pass a clock whose sleep does not wait. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}
