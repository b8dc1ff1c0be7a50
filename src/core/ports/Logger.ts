/**
 * Structured logging. Fields are scalars on purpose: a payload, a response object or a key cannot be passed by
 * accident, and every field is safe to ship to Application Insights.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
