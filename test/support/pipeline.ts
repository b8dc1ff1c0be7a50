import { loadConfig, type AppConfig } from '../../src/config';
import type { Clock } from '../../src/core/ports/Clock';
import type { LogFields, Logger } from '../../src/core/ports/Logger';

/** A full configuration with small retry delays; `env` overrides any setting. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    MediaStorage: 'UseDevelopmentStorage=true',
    AZURE_INFERENCE_ENDPOINT: 'http://127.0.0.1:9/models',
    AZURE_INFERENCE_CREDENTIAL: 'test-key',
    AZURE_INFERENCE_MODEL: 'gpt-4o',
    MEDIA_RETRY_BASE_DELAY_MS: '20',
    MEDIA_RETRY_MAX_DELAY_MS: '200',
    MEDIA_ATTEMPT_TIMEOUT_MS: '5000',
    MEDIA_RETRY_BUDGET_MS: '20000',
    // Off unless a test configures some: the app root's analyzers.json would otherwise apply to every test.
    MEDIA_ANALYZERS: '{"analyzers": {}}',
    ...env,
  });
}

/** Virtual time: `sleep` returns at once and moves `now` forward, so retry waits cost nothing. */
export interface VirtualClock extends Clock {
  slept: number[];
}

export function virtualClock(): VirtualClock {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + offset,
    sleep: (ms: number) => {
      slept.push(ms);
      offset += ms;
      return Promise.resolve();
    },
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps every entry, so tests can assert on what was (and was not) logged. */
export function memoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log =
    (level: LogEntry['level']) =>
    (message: string, fields?: LogFields): void => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
