import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import document from '../../openapi/completions.openapi.json';
import { isRecord } from '../../src/core/json/isRecord';

const ID = 'completions.openapi.json';
// OpenAPI keywords such as `contentMediaType` are annotations to ajv; the document itself is no JSON Schema.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(document, ID);

const cache = new Map<string, ValidateFunction>();

function validator(pointer: string): ValidateFunction {
  let validate = cache.get(pointer);
  if (validate === undefined) {
    validate = ajv.getSchema(`${ID}#${pointer}`);
    if (validate === undefined) throw new Error(`No schema at ${pointer} in the OpenAPI document.`);
    cache.set(pointer, validate);
  }
  return validate;
}

function check(pointer: string, value: unknown): void {
  const validate = validator(pointer);
  if (!validate(value)) throw new Error(`${pointer}: ${ajv.errorsText(validate.errors)}`);
}

/** Throws unless `body` is a JSON request the OpenAPI document describes. */
export function expectValidJsonRequest(body: unknown): void {
  check('/components/schemas/JsonRequest', body);
}

/** Throws unless the multipart fields (files as strings) match the document. */
export function expectValidMultipartRequest(fields: Record<string, unknown>): void {
  check('/components/schemas/MultipartRequest', fields);
}

/** Throws unless the document lists `status` and `body` matches its JSON schema. */
export function expectValidResponse(status: number, body: unknown): void {
  expectValidOperationResponse('/completions', 'post', status, body);
}

/** Throws unless `body` is a `POST /api/batches` request the document describes. */
export function expectValidBatchRequest(body: unknown): void {
  check('/components/schemas/BatchRequest', body);
}

/**
 * Throws unless the document lists `status` for the operation (`path` as in the document, e.g.
 * `/batches/{id}`) and `body` matches the JSON schema of that answer.
 */
export function expectValidOperationResponse(
  path: string,
  method: 'get' | 'post',
  status: number,
  body: unknown,
): void {
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
  let answer = paths[path]?.[method]?.responses[String(status)];
  if (answer === undefined) throw new Error(`The OpenAPI document lists no ${status} for ${method} ${path}.`);
  const ref = (value: unknown): string | undefined =>
    isRecord(value) && typeof value.$ref === 'string' ? value.$ref.replace(/^#/, '') : undefined;
  const responseRef = ref(answer);
  if (responseRef !== undefined) answer = lookup(responseRef);
  const json = isRecord(answer) && isRecord(answer.content) ? answer.content['application/json'] : undefined;
  const schemaRef = isRecord(json) ? ref(json.schema) : undefined;
  if (schemaRef === undefined) throw new Error(`${method} ${path} ${status} has no JSON schema reference.`);
  check(schemaRef, body);
}

function lookup(pointer: string): unknown {
  let node: unknown = document;
  for (const key of pointer.split('/').slice(1)) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** Throws unless `data` is a valid `delta` event payload. */
export function expectValidStreamDelta(data: unknown): void {
  check('/components/schemas/StreamDelta', data);
}
