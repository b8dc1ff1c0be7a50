import type { InvocationContext } from '@azure/functions';
import type { LogFields, Logger } from '../core/ports/Logger';

/** The Logger port on a Functions invocation: one line per entry, fields as JSON (they are scalars only). */
export function invocationLogger(context: InvocationContext): Logger {
  const line = (message: string, fields?: LogFields): string =>
    fields === undefined ? message : `${message} ${JSON.stringify(fields)}`;
  return {
    debug: (message, fields) => {
      context.debug(line(message, fields));
    },
    info: (message, fields) => {
      context.info(line(message, fields));
    },
    warn: (message, fields) => {
      context.warn(line(message, fields));
    },
    error: (message, fields) => {
      context.error(line(message, fields));
    },
  };
}
