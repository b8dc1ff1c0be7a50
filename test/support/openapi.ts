import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import document from '../../openapi/completions.openapi.json';

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
  const responses = (document.paths['/completions'].post.responses as Record<string, unknown>)[
    String(status)
  ];
  if (responses === undefined) throw new Error(`The OpenAPI document does not list status ${status}.`);
  check(status === 200 ? '/components/schemas/CompletionResponse' : '/components/schemas/Error', body);
}

/** Throws unless `data` is a valid `delta` event payload. */
export function expectValidStreamDelta(data: unknown): void {
  check('/components/schemas/StreamDelta', data);
}
