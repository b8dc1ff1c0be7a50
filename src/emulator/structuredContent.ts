import { createHash } from 'node:crypto';
import { describeMedia } from './describeMedia';
import { exampleFromSchema } from './exampleFromSchema';
import { findSchemaInText } from './findSchemaInText';
import type { ParsedChatRequest } from './ParsedChatRequest';
import { seededRandom } from './seededRandom';

/**
 * The answer's JSON for a `json_schema` or `json_object` request, `undefined` for `text`. `json_schema`: a
 * value of the schema ({@link exampleFromSchema}); `json_object`: a value of the first schema the messages
 * state (as a JSON-mode fallback does), else `{"description": textAnswer}`. Deterministic: seeded from the
 * media's hashes (the prompt's when there is no media), so one file always gets the same answer; string
 * fields describe the media (kind, format, size, hash). `mismatch` answers JSON of the wrong top-level type.
 */
export function structuredContent(
  request: ParsedChatRequest,
  textAnswer: string,
  mismatch = false,
): string | undefined {
  const format = request.responseFormat;
  if (format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' ? format.schema : findSchemaInText(request.allText);
  if (mismatch) {
    return JSON.stringify(schema?.type === 'object' || schema === undefined ? ['schema-mismatch'] : {});
  }
  if (schema === undefined) return JSON.stringify({ description: textAnswer });
  const hashes = request.media.map((item) => item.sha256 ?? item.urlHost ?? item.kind).join(',');
  const digest = createHash('sha256')
    .update(hashes === '' ? request.promptText : hashes)
    .digest('hex');
  const media =
    request.media.length === 0 ? 'no media' : request.media.map((item) => describeMedia(item)).join('; ');
  const value = exampleFromSchema(schema, {
    random: seededRandom(Number.parseInt(digest.slice(0, 8), 16)),
    describe: (field) => `${field} of ${media}`,
    token: digest.slice(0, 8),
  });
  return JSON.stringify(value);
}
