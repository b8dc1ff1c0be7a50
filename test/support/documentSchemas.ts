import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import errorSchema from '../../schemas/error-document.schema.json';
import resultSchema from '../../schemas/result-document.schema.json';
import type { ErrorDocument, ResultDocument } from '../../src/core/outputs/documents';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema(resultSchema);
const validateResultSchema = ajv.compile(resultSchema);
const validateErrorSchema = ajv.compile(errorSchema);

/** Throws with ajv's messages unless `document` is a valid result document; after it, `document` is typed. */
export function expectValidResultDocument(document: unknown): asserts document is ResultDocument {
  if (!validateResultSchema(document)) throw new Error(ajv.errorsText(validateResultSchema.errors));
}

/** Throws with ajv's messages unless `document` is a valid error document; after it, `document` is typed. */
export function expectValidErrorDocument(document: unknown): asserts document is ErrorDocument {
  if (!validateErrorSchema(document)) throw new Error(ajv.errorsText(validateErrorSchema.errors));
}
