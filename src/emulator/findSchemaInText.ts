import type { JsonSchemaObject } from './ResponseFormat';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeSchema(value: unknown): value is JsonSchemaObject {
  return isObject(value) && (isObject(value.properties) || value.type === 'object');
}

/** The end (exclusive) of the JSON object starting at `start`, skipping braces inside strings. */
function objectEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}

/**
 * The first JSON Schema object written into `text` (as a JSON-mode request states its schema in the system
 * message), unwrapping `{"name", "schema"}`; `undefined` when there is none. A schema is an object with
 * `properties` or `type: "object"`.
 */
export function findSchemaInText(text: string): JsonSchemaObject | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = objectEnd(text, start);
    if (end === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start, end));
    } catch {
      continue;
    }
    if (isObject(parsed) && looksLikeSchema(parsed.schema)) return parsed.schema;
    if (looksLikeSchema(parsed)) return parsed;
  }
  return undefined;
}
