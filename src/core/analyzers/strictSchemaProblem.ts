import { isRecord } from '../json/isRecord';

/** Where a schema breaks strict mode: the path of the keyword inside the schema, and the service's words for it. */
export interface StrictSchemaProblem {
  /** The schema holding the keyword, as the service prints it (`In context=('properties', 'items')`). */
  context: readonly string[];
  /** The keyword at fault (`required`, `additionalProperties`, `pattern`, …); `type` for the root. */
  keyword: string;
  problem: string;
}

/** Object properties in the whole schema, `$defs` included. */
export const MAX_OBJECT_PROPERTIES = 100;
/** Objects inside objects, the root counting as the first level. */
export const MAX_OBJECT_NESTING = 5;
const MAX_ENUM_VALUES = 500;
/** Property names, definition names, enum and const values, in characters. */
const MAX_NAME_AND_VALUE_CHARS = 15_000;
const LARGE_ENUM = 250;
const MAX_LARGE_ENUM_CHARS = 7_500;

const TYPES = new Set(['string', 'number', 'boolean', 'integer', 'object', 'array', 'null']);
/**
 * The keywords strict mode takes; every other one (`pattern`, `format`, `minLength`, `minimum`, `minItems`,
 * `patternProperties`, `oneOf`, `allOf`, `not`, `if`, `$id`, `default`, …) is refused.
 */
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$defs',
  'definitions',
  '$ref',
  'description',
  'title',
  '$comment',
  '$schema',
]);

/**
 * The first rule of Azure OpenAI's strict structured outputs (`response_format: {"type": "json_schema",
 * "json_schema": {…, "strict": true}}`) that `schema` breaks, or `undefined` when the service takes it. Checked
 * before a schema is used, so that the service never has to refuse one after the media was sent: the root is an
 * object (not `anyOf`); every object has `additionalProperties: false` and lists every property in `required`;
 * types are string, number, boolean, integer, object, array, enum (and null in a union), `anyOf`, `$defs` and
 * local `$ref`s (`#`, `#/…`; recursion allowed) are supported, and the type-specific keywords are not (`minLength`,
 * `maxLength`, `pattern`, `format`; `minimum`, `maximum`, `multipleOf`; `patternProperties`,
 * `unevaluatedProperties`, `propertyNames`, `minProperties`, `maxProperties`; `unevaluatedItems`, `contains`,
 * `minContains`, `maxContains`, `minItems`, `maxItems`, `uniqueItems`), nor other composition or identifiers;
 * at most 100 object properties in all and 5 levels of object nesting; at most 500 enum values, 15,000
 * characters of property names, definition names, enum and const values, and 7,500 characters for an enum of
 * more than 250 strings. The messages are the service's (`'pattern' is not permitted.`).
 *
 * Sources: Azure OpenAI "Structured outputs", section "Supported schemas and limitations"
 * (learn.microsoft.com/azure/ai-services/openai/how-to/structured-outputs: supported types, all fields required,
 * nesting depth, `additionalProperties: false`, unsupported type-specific keywords, anyOf, definitions, recursion),
 * which follows OpenAI's subset ("Structured Outputs" guide: the enum and character limits); the wording of the
 * service's 400 "Invalid schema for response_format '<name>': In context=(…), …".
 */
export function strictSchemaProblem(schema: unknown): StrictSchemaProblem | undefined {
  if (!isRecord(schema) || Array.isArray(schema) || schema.type !== 'object') {
    const type = isRecord(schema) ? JSON.stringify(schema.type ?? null) : 'none';
    return {
      context: [],
      keyword: 'type',
      problem: `schema must be a JSON Schema of 'type: "object"', got 'type: ${type}'.`,
    };
  }
  const totals = { properties: 0, enumValues: 0, chars: 0 };
  return visit(schema, [], 1, totals);
}

interface Totals {
  properties: number;
  enumValues: number;
  chars: number;
}

function visit(
  schema: unknown,
  context: readonly string[],
  level: number,
  totals: Totals,
): StrictSchemaProblem | undefined {
  const at = (keyword: string, problem: string): StrictSchemaProblem => ({ context, keyword, problem });
  if (!isRecord(schema) || Array.isArray(schema)) {
    return {
      context: context.slice(0, -1),
      keyword: context.at(-1) ?? '',
      problem: 'must be a schema object.',
    };
  }
  const refused = Object.keys(schema).find((keyword) => !KEYWORDS.has(keyword));
  if (refused !== undefined) return at(refused, `'${refused}' is not permitted.`);
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  const unknownType = types.find(
    (type) => type !== undefined && (typeof type !== 'string' || !TYPES.has(type)),
  );
  if (unknownType !== undefined) return at('type', `type ${JSON.stringify(unknownType)} is not supported.`);
  const { $ref: ref } = schema;
  if (ref !== undefined && (typeof ref !== 'string' || (ref !== '#' && !ref.startsWith('#/')))) {
    return at('$ref', "only local references ('#' or '#/…') are permitted.");
  }
  const properties = schema.properties;
  if (properties !== undefined && (!isRecord(properties) || Array.isArray(properties))) {
    return at('properties', "'properties' must be an object.");
  }
  const isObject = types.includes('object') || properties !== undefined;
  if (isObject) {
    if (level > MAX_OBJECT_NESTING) {
      return at('properties', `${level} levels of nesting exceeds limit of ${MAX_OBJECT_NESTING}.`);
    }
    if (schema.additionalProperties !== false) {
      return at('additionalProperties', "'additionalProperties' is required to be supplied and to be false.");
    }
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties ?? {}).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return at(
        'required',
        `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
      );
    }
  }
  const names = Object.keys(properties ?? {});
  totals.properties += names.length;
  totals.chars += names.reduce((sum, name) => sum + name.length, 0);
  if (totals.properties > MAX_OBJECT_PROPERTIES) {
    return at('properties', `more than ${MAX_OBJECT_PROPERTIES} object properties in the schema.`);
  }
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) return at('enum', "'enum' must be an array.");
  const enumValues: readonly unknown[] = Array.isArray(schema.enum) ? schema.enum : [];
  const values: readonly unknown[] = 'const' in schema ? [...enumValues, schema.const] : enumValues;
  const enumChars = values.reduce<number>((sum, value) => sum + String(value).length, 0);
  totals.enumValues += enumValues.length;
  totals.chars += enumChars;
  if (totals.enumValues > MAX_ENUM_VALUES)
    return at('enum', `more than ${MAX_ENUM_VALUES} enum values in the schema.`);
  if (enumValues.length > LARGE_ENUM && enumChars > MAX_LARGE_ENUM_CHARS) {
    return at(
      'enum',
      `an enum of more than ${LARGE_ENUM} values may hold ${MAX_LARGE_ENUM_CHARS} characters.`,
    );
  }
  if (totals.chars > MAX_NAME_AND_VALUE_CHARS) {
    return at('properties', `more than ${MAX_NAME_AND_VALUE_CHARS} characters of names and enum values.`);
  }
  const inner = isObject ? level + 1 : level;
  for (const [name, child] of Object.entries(properties ?? {})) {
    const found = visit(child, [...context, 'properties', name], inner, totals);
    if (found !== undefined) return found;
  }
  if (schema.items !== undefined) {
    const found = visit(schema.items, [...context, 'items'], inner, totals);
    if (found !== undefined) return found;
  }
  if (schema.anyOf !== undefined) {
    if (!Array.isArray(schema.anyOf)) return at('anyOf', "'anyOf' must be an array of schemas.");
    for (const [index, child] of schema.anyOf.entries()) {
      const found = visit(child, [...context, 'anyOf', String(index)], level, totals);
      if (found !== undefined) return found;
    }
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const definitions = schema[keyword];
    if (definitions === undefined) continue;
    if (!isRecord(definitions) || Array.isArray(definitions))
      return at(keyword, `'${keyword}' must be an object.`);
    for (const [name, child] of Object.entries(definitions)) {
      totals.chars += name.length;
      const found = visit(child, [...context, keyword, name], 1, totals);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
