/** A JSON Schema as the request carries it: a JSON object, read but not trusted. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** The request's `response_format`, validated; `text` when it has none. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchemaObject; strict: boolean };
