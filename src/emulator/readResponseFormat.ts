import { strictSchemaProblem } from '../core/analyzers/strictSchemaProblem';
import type { ModelProfile } from './modelProfiles';
import type { JsonSchemaObject, ResponseFormat } from './ResponseFormat';
import {
  invalidResponseFormatSchema,
  jsonSchemaNeedsNewerApiVersion,
  jsonSchemaNotSupported,
  jsonWordMissing,
} from './serviceErrors';
import { ServiceResponseError } from './ServiceResponseError';

/** Structured outputs arrived with this api-version; older dated versions refuse `json_schema`. */
const FIRST_JSON_SCHEMA_API_VERSION = '2024-08-01';
const DATED_API_VERSION = /^(\d{4}-\d{2}-\d{2})/;
const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `response_format` the way the service does: `json_schema` needs an api-version of 2024-08-01-preview or
 * later and a model with structured outputs (`profile.supportsJsonSchema`), a `name` of 1-64 letters, digits,
 * `_` or `-`, a schema object, and under `strict: true` what strict structured outputs take (`strictSchemaProblem`:
 * a root object, `additionalProperties: false` and every property required on every object, the supported
 * keywords only, the size limits); `json_object` needs the word "json" somewhere in
 * the messages (`allText`). Throws the service's 400 ({@link ServiceResponseError}) for each refusal.
 */
export function readResponseFormat(
  body: Record<string, unknown>,
  profile: ModelProfile,
  apiVersion: string | undefined,
  allText: string,
): ResponseFormat {
  const value = body.response_format;
  if (value === undefined || value === null) return { type: 'text' };
  if (!isObject(value) || !['text', 'json_object', 'json_schema'].includes(String(value.type))) {
    throw ServiceResponseError.badRequest(
      "Invalid value for 'response_format.type': expected one of 'text', 'json_object' or 'json_schema'.",
      'response_format',
    );
  }
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') {
    if (!/json/i.test(allText)) throw jsonWordMissing();
    return { type: 'json_object' };
  }
  const dated = DATED_API_VERSION.exec(apiVersion ?? '')?.[1];
  if (dated !== undefined && dated < FIRST_JSON_SCHEMA_API_VERSION) throw jsonSchemaNeedsNewerApiVersion();
  if (!profile.supportsJsonSchema) throw jsonSchemaNotSupported();
  const spec = value.json_schema;
  if (!isObject(spec) || typeof spec.name !== 'string' || !SCHEMA_NAME.test(spec.name)) {
    throw ServiceResponseError.badRequest(
      "Invalid 'response_format.json_schema.name': expected a string of 1-64 characters matching '^[a-zA-Z0-9_-]+$'.",
      'response_format.json_schema.name',
      'invalid_value',
    );
  }
  if (!isObject(spec.schema)) {
    throw ServiceResponseError.badRequest(
      "Invalid 'response_format.json_schema.schema': expected a JSON Schema object.",
      'response_format.json_schema.schema',
      'invalid_value',
    );
  }
  const strict = spec.strict === true;
  if (strict) checkStrictSchema(spec.name, spec.schema);
  return { type: 'json_schema', name: spec.name, schema: spec.schema, strict };
}

/** Strict mode's rules: the app's own check (one list of rules), answered with the service's 400. */
function checkStrictSchema(name: string, root: JsonSchemaObject): void {
  const problem = strictSchemaProblem(root);
  if (problem !== undefined) throw invalidResponseFormatSchema(name, problem.context, problem.problem);
}
