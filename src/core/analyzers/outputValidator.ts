import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';

/** What a value's validation found: nothing, or ajv's first errors as `"<JSON pointer> <message>"`. */
export type OutputCheck = (value: unknown) => string[] | undefined;

/** Validation errors kept per failed output (documents and answers stay small). */
const MAX_ERRORS = 5;
/** Compiled schemas kept: every configured one, and the ad-hoc ones of recent HTTP requests. */
const MAX_CACHED = 256;

// Lax on unknown keywords (models' schema dialects add some); the meta-schema still refuses malformed ones.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, OutputCheck>();

/**
 * The check for one output schema, compiled once per process per distinct schema (JSON text) and kept in a
 * bounded cache. Throws MediaCompletionsError `invalid_output_schema` (not retryable) when ajv cannot compile
 * it (not a JSON Schema 2020-12 object, or an unresolvable `$ref`), with ajv's message.
 */
export function outputValidator(schema: unknown): OutputCheck {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new MediaCompletionsError('invalid_output_schema', 'The output schema must be a JSON object.');
  }
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new MediaCompletionsError(
      'invalid_output_schema',
      `The output schema is not a usable JSON Schema: ${error instanceof Error ? error.message.slice(0, 300) : 'unknown error'}.`,
    );
  } finally {
    // Our cache holds what is needed; ajv's own would keep every ad-hoc schema forever.
    ajv.removeSchema(schema);
  }
  const check: OutputCheck = (value) =>
    validate(value) ? undefined : (validate.errors ?? []).slice(0, MAX_ERRORS).map(describeError);
  if (compiled.size >= MAX_CACHED) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  compiled.set(key, check);
  return check;
}

function describeError(error: ErrorObject): string {
  return `${error.instancePath === '' ? '/' : error.instancePath} ${error.message ?? 'is not valid'}`;
}
