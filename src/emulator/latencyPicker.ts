import type { EmulatorOptions } from './EmulatorOptions';

/** A function returning each request's added latency in ms: fixed, uniform in `[min, max]`, or 0 when unset. */
export function latencyPicker(latency: EmulatorOptions['latencyMs'], random: () => number): () => number {
  if (latency === undefined) return () => 0;
  const [min, max] = typeof latency === 'number' ? [latency, latency] : latency;
  if (!(min >= 0 && max >= min))
    throw new RangeError(`latencyMs must be >= 0 and min <= max, got ${min}-${max}.`);
  return () => min + Math.round(random() * (max - min));
}
