import type { EmulatorOptions } from './EmulatorOptions';
import type { EmulatorStats } from './EmulatorStats';
import type { FaultSchedule } from './FaultSchedule';
import type { ModelProfile } from './modelProfiles';
import type { RateLimits } from './RateLimits';

/** What one running emulator's request handlers share: its options, resolved once, and its mutable counters. */
export interface EmulatorState {
  options: EmulatorOptions;
  profile: ModelProfile;
  faults: FaultSchedule;
  limits: RateLimits;
  /** The next request's added latency in ms. */
  nextLatency: () => number;
  /** Milliseconds the injected 429 and 503 faults ask clients to wait. */
  faultRetryAfterMs: number;
  stats: EmulatorStats;
  /** True once `close()` began: a request still waiting out its latency then sends nothing. */
  isClosing: () => boolean;
}
