import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import errorSchema from '../../schemas/error-document.schema.json';
import resultSchema from '../../schemas/result-document.schema.json';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema(resultSchema);
const validateResultSchema = ajv.compile(resultSchema);
const validateErrorSchema = ajv.compile(errorSchema);

/** Throws with ajv's messages unless `document` is a valid result document. */
export function expectValidResultDocument(document: unknown): void {
  if (!validateResultSchema(document)) throw new Error(ajv.errorsText(validateResultSchema.errors));
}

/** Throws with ajv's messages unless `document` is a valid error document. */
export function expectValidErrorDocument(document: unknown): void {
  if (!validateErrorSchema(document)) throw new Error(ajv.errorsText(validateErrorSchema.errors));
}
