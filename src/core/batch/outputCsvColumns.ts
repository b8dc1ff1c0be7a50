import { isRecord } from '../json/isRecord';

const SCALAR_TYPES: readonly unknown[] = ['string', 'number', 'integer', 'boolean', 'null'];

/** A property schema whose values are all scalars: scalar `type`(s), or an `enum` / `const` of scalars. */
function isScalarSchema(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  const scalar = (value: unknown): boolean => value === null || typeof value !== 'object';
  if ('const' in schema) return scalar(schema.const);
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).every(scalar);
  const types: unknown[] = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  return types.length > 0 && types.every((type) => SCALAR_TYPES.includes(type));
}

/**
 * The CSV columns of an output schema: its top-level property names, in the schema's order, when the top level
 * is an object (`type: "object"`) whose every property is a scalar; otherwise `undefined` (no CSV: nested
 * values do not fit one row). Sources for the shape: the analyzer's `output.schema` (a JSON Schema object).
 */
export function outputCsvColumns(schema: unknown): string[] | undefined {
  if (!isRecord(schema) || schema.type !== 'object' || !isRecord(schema.properties)) return undefined;
  const entries = Object.entries(schema.properties);
  if (entries.length === 0 || !entries.every(([, property]) => isScalarSchema(property))) return undefined;
  return entries.map(([name]) => name);
}
