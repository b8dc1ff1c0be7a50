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
 * `_` or `-`, a schema object, and under `strict: true` a root object and, on every object,
 * `additionalProperties: false` with every property required; `json_object` needs the word "json" somewhere in
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

/** Strict mode's rules, checked on the root, every property, item, branch and definition. */
function checkStrictSchema(name: string, root: JsonSchemaObject): void {
  const rootType = root.type;
  if (rootType !== 'object') {
    throw invalidResponseFormatSchema(
      name,
      [],
      `schema must be a JSON Schema of 'type: "object"', got 'type: ${JSON.stringify(rootType ?? null)}'.`,
    );
  }
  const visit = (schema: unknown, context: readonly string[]): void => {
    if (!isObject(schema)) return;
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    if (types.includes('object') || properties !== undefined) {
      if (schema.additionalProperties !== false) {
        throw invalidResponseFormatSchema(
          name,
          context,
          "'additionalProperties' is required to be supplied and to be false.",
        );
      }
      const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
      const missing = Object.keys(properties ?? {}).find((key) => !required.includes(key));
      if (missing !== undefined) {
        throw invalidResponseFormatSchema(
          name,
          context,
          `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
        );
      }
    }
    for (const [key, child] of Object.entries(properties ?? {}))
      visit(child, [...context, 'properties', key]);
    if (schema.items !== undefined) visit(schema.items, [...context, 'items']);
    for (const keyword of ['anyOf', '$defs', 'definitions'] as const) {
      const children: unknown = schema[keyword];
      if (Array.isArray(children)) {
        children.forEach((child, index) => {
          visit(child, [...context, keyword, String(index)]);
        });
      } else if (isObject(children)) {
        for (const [key, child] of Object.entries(children)) visit(child, [...context, keyword, key]);
      }
    }
  };
  visit(root, []);
}
