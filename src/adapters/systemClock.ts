import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/ports/Clock';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms: number) => delay(ms),
};
