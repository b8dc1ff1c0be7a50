import type { LogFields, Logger } from '../core/ports/Logger';

/** Warnings and errors on stderr; info and debug only when verbose. Fields are scalars, safe to print. */
export function consoleLogger(verbose: boolean): Logger {
  const line = (level: string, message: string, fields?: LogFields): string =>
    `[${level}] ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`;
  return {
    debug: (message, fields) => {
      if (verbose) console.error(line('debug', message, fields));
    },
    info: (message, fields) => {
      if (verbose) console.error(line('info', message, fields));
    },
    warn: (message, fields) => {
      console.error(line('warn', message, fields));
    },
    error: (message, fields) => {
      console.error(line('error', message, fields));
    },
  };
}
