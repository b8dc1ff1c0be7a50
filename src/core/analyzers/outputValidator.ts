import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { jsonPath } from '../json/jsonPath';
import { linearRegExp } from './linearRegExp';
import { strictSchemaProblem } from './strictSchemaProblem';

/** What a value's validation found: nothing, or ajv's first errors as `"<JSON pointer> <message>"`. */
export type OutputCheck = (value: unknown) => string[] | undefined;

/** Validation errors kept per failed output (documents and answers stay small). */
const MAX_ERRORS = 5;
/** Compiled schemas kept: every configured one, and the ad-hoc ones of recent HTTP requests. */
const MAX_CACHED = 256;

// Lax on unknown keywords (models' schema dialects add some); the meta-schema still refuses malformed ones.
// Patterns run in linear time (see linearRegExp).
const ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: linearRegExp } });
addFormats(ajv);
const compiled = new Map<string, OutputCheck>();

/**
 * The check for one output schema, compiled once per process per distinct schema (JSON text) and kept in a
 * bounded cache (at most 256). Throws MediaCompletionsError `invalid_output_schema` (not retryable) when strict
 * structured outputs refuse the schema (see strictSchemaProblem: this also keeps every `$id` and remote `$ref`
 * out of the process's one ajv, so no schema can replace or remove one another relies on, the meta-schema
 * included) or when ajv cannot compile it (not a JSON Schema 2020-12 object, an unresolvable `$ref`), with the
 * JSON path inside the schema (`$.required`) or ajv's message.
 */
export function outputValidator(schema: unknown): OutputCheck {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new MediaCompletionsError('invalid_output_schema', 'The output schema must be a JSON object.');
  }
  const strict = strictSchemaProblem(schema);
  if (strict !== undefined) {
    throw new MediaCompletionsError(
      'invalid_output_schema',
      `The output schema breaks strict structured outputs at ${jsonPath([...strict.context, strict.keyword])}: ${strict.problem}`,
    );
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
    // Our cache holds what is needed; ajv's own would keep every ad-hoc schema forever. Without an `$id`
    // (refused above) this removes that schema's entry and nothing else.
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
