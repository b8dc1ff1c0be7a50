import type { EmulatorStats } from './EmulatorStats';
import type { ModelProfile } from './modelProfiles';

export interface RunningEmulator {
  /** The base URL, e.g. `http://127.0.0.1:40123`; append `/models` or `/openai/deployments/<d>` as clients do. */
  url: string;
  profile: ModelProfile;
  /** Stops listening and destroys open connections, including hung ones. */
  close(): Promise<void>;
  /** A snapshot of what the emulator received so far. */
  stats(): EmulatorStats;
  /** The self-signed certificate (PEM) in https mode, for clients to trust as a CA. */
  certificate?: string;
}
