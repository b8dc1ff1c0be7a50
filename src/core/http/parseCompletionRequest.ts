import Busboy from '@fastify/busboy';
import { authorizeBlobReference } from '../access/authorizeBlobReference';
import type { AnalyzerOutput } from '../analyzers/Analyzer';
import { outputValidator } from '../analyzers/outputValidator';
import { strictSchemaProblem } from '../analyzers/strictSchemaProblem';
import { jsonPath } from '../json/jsonPath';
import { codePointLength } from '../completion/codePointLength';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { isRecord } from '../json/isRecord';
import type { PipelineSettings } from '../completion/PipelineSettings';
import { httpError } from './httpError';
import type { HttpRequestLike } from './HttpRequestLike';
import type { HttpSettings } from './HttpSettings';
import type { ParsedCompletionRequest } from './ParsedCompletionRequest';
import { readBodyWithin } from './readBodyWithin';
import type { RequestMedia } from './RequestMedia';

/** Room for the prompt, the other fields and the multipart or JSON framing, on top of the media. */
const FRAMING_BYTES = 1024 * 1024;
/**
 * `{ "media": [ { ... } ] }` is three levels deep; an ad-hoc output schema adds its own: strict structured outputs
 * allow 5 levels of objects, each two JSON levels (`properties`, the property), plus arrays (`items`) and `anyOf`
 * between them (the shipped receipts schema needs 9). Bounded all the same: a depth bomb is refused before parsing.
 */
const MAX_JSON_DEPTH = 32;
/**
 * An ad-hoc output schema, as JSON text: room for the 100 described properties strict mode allows. Compiling one
 * is synchronous (about 0.7-1.4 s for a 62 KiB schema); each distinct schema is compiled once per process.
 */
const MAX_OUTPUT_SCHEMA_CHARS = 16 * 1024;
const OUTPUT_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_URL_CHARS = 8192;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A part's header block (Content-Disposition, Content-Type): a few hundred bytes in practice. */
const MAX_PART_HEADER_BYTES = 8 * 1024;
/** File names are stored in documents; file systems stop at 255 characters. */
const MAX_FILE_NAME_CHARS = 255;
/** Text fields: the prompt is capped in characters later; this bounds the bytes read for it. */
const MAX_FIELD_BYTES = 1024 * 1024;
const OPTION_NAMES = ['system', 'detail', 'max_tokens', 'model', 'analyzer'] as const;
const JSON_FIELDS = new Set<string>(['prompt', 'media', 'output', ...OPTION_NAMES]);
const FORM_TEXT_FIELDS = new Set<string>(['prompt', ...OPTION_NAMES]);

/**
 * Turns a POST /api/completions request into media and overrides, by content type: `multipart/form-data`
 * (`file` parts and text fields), `application/json` (`prompt`, `media[]`, options and an ad-hoc `output`) or a
 * raw `image/*`, `audio/*` or `application/octet-stream` body with `?prompt=`. `analyzer` may also come as a
 * query parameter with any body (a field in the body wins); with analyzers configured `prompt` is optional.
 * Every size is bounded while reading; the media type is left to detection from the bytes.
 *
 * @throws MediaCompletionsError with `retryable: false` and a code `httpStatusFor` maps to 400, 413 or 415.
 */
export async function parseCompletionRequest(
  request: HttpRequestLike,
  settings: PipelineSettings,
  http: HttpSettings,
): Promise<ParsedCompletionRequest> {
  const save = flag(request.query, 'save');
  const stream = flag(request.query, 'stream');
  const contentType = request.headers.get('content-type') ?? '';
  const mime = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const contentLength = request.headers.get('content-length');
  // One audio clip besides the images is the most a request can carry.
  const maxItems = settings.maxImagesPerRequest + 1;
  const queried = request.query.get('analyzer') ?? undefined;
  const withAnalyzer = <T extends Pick<ParsedCompletionRequest, 'overrides'>>(parsed: T): T =>
    queried === undefined || parsed.overrides.analyzer !== undefined
      ? parsed
      : { ...parsed, overrides: { ...parsed.overrides, analyzer: queried } };
  if (mime === 'application/json') {
    // Base64 of the largest media, wrapped at 76 columns with CRLF (RFC 2045) as some clients send it.
    const limit = maxItems * Math.ceil(((settings.maxBytes * 4) / 3) * (78 / 76)) + FRAMING_BYTES;
    const body = await readBodyWithin(request.body, contentLength, limit);
    return { ...withAnalyzer(fromJson(parseJson(body), settings, http)), save, stream };
  }
  if (mime === 'multipart/form-data') {
    const body = await readBodyWithin(
      request.body,
      contentLength,
      maxItems * settings.maxBytes + FRAMING_BYTES,
    );
    return { ...withAnalyzer(await fromForm(body, contentType, settings, http)), save, stream };
  }
  if (mime.startsWith('image/') || mime.startsWith('audio/') || mime === 'application/octet-stream') {
    const bytes = await readBodyWithin(request.body, contentLength, settings.maxBytes);
    const overrides = overridesFrom(
      (name) => request.query.get(name) ?? undefined,
      'query parameter',
      settings,
    );
    return {
      media: [{ from: 'raw', bytes, declaredType: mime, fileName: undefined }],
      overrides,
      save,
      stream,
    };
  }
  throw httpError(
    'unsupported_content_type',
    `Content-Type ${mime === '' ? '(none)' : `"${mime.slice(0, 100)}"`} is not accepted; send multipart/form-data, ` +
      'application/json, or the media itself as image/*, audio/* or application/octet-stream.',
  );
}

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw httpError('invalid_option', `Query parameter "${name}" must be true or false.`);
}

/**
 * Options from a form, a JSON body or the query: strings, except a JSON `max_tokens`, which is a number. The
 * prompt is required unless analyzers are configured (an analyzer or the settings then give it).
 */
function overridesFrom(
  read: (name: string) => unknown,
  where: string,
  settings: PipelineSettings,
): CompletionOverrides {
  const prompt = read('prompt');
  if (prompt === undefined && settings.analyzers === undefined) {
    throw httpError('missing_prompt', `The ${where} "prompt" is required.`);
  }
  if (prompt !== undefined && typeof prompt !== 'string')
    throw httpError('invalid_option', `The ${where} "prompt" must be a string.`);
  const overrides: CompletionOverrides = prompt === undefined ? {} : { prompt };
  for (const name of OPTION_NAMES) {
    const value = read(name);
    if (value === undefined) continue;
    if (name === 'max_tokens') {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw httpError('invalid_option', `The ${where} "max_tokens" must be a positive integer.`);
      }
      overrides.maxTokens = value;
    } else if (typeof value !== 'string') {
      throw httpError('invalid_option', `The ${where} "${name}" must be a string.`);
    } else {
      overrides[name] = value;
    }
  }
  return overrides;
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw httpError('invalid_json', 'The request body is not valid UTF-8.');
  }
  checkDepth(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body, which may be a payload: never echo it.
    throw httpError('invalid_json', 'The request body is not valid JSON.');
  }
}

/** Nesting depth outside strings, checked before parsing; string contents are skipped, not scanned. */
function checkDepth(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22) {
      i = endOfString(text, i);
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw httpError('invalid_json', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      }
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
}

function endOfString(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

function fromJson(
  body: unknown,
  settings: PipelineSettings,
  http: HttpSettings,
): Pick<ParsedCompletionRequest, 'media' | 'overrides'> {
  if (!isRecord(body) || Array.isArray(body)) {
    throw httpError('invalid_request', 'The JSON body must be an object.');
  }
  const unknown = Object.keys(body).find((key) => !JSON_FIELDS.has(key));
  if (unknown !== undefined) {
    throw httpError('invalid_request', `Unknown field "${unknown.slice(0, 100)}" in the JSON body.`);
  }
  const overrides = overridesFrom((name) => body[name], 'field', settings);
  const output = body.output === undefined ? undefined : adHocOutput(body.output);
  const { media } = body;
  if (media === undefined || (Array.isArray(media) && media.length === 0)) {
    throw httpError('no_media', 'The field "media" must list at least one item.');
  }
  if (!Array.isArray(media)) throw httpError('invalid_request', 'The field "media" must be an array.');
  return {
    media: media.map((item: unknown, index) => jsonMedia(item, index, settings, http)),
    overrides,
    ...(output === undefined ? {} : { output }),
  };
}

/** `output: {name, schema}`: a size-capped JSON Schema, compiled now (once per distinct schema and process). */
function adHocOutput(value: unknown): AnalyzerOutput {
  const refuse = (message: string) => httpError('invalid_output_schema', `The field "output" ${message}.`);
  if (!isRecord(value) || Array.isArray(value)) throw refuse('must be an object {"name", "schema"}');
  const extra = Object.keys(value).find((key) => key !== 'name' && key !== 'schema');
  if (extra !== undefined) throw refuse(`has an unknown field "${extra.slice(0, 100)}"`);
  const { name, schema } = value;
  if (typeof name !== 'string' || !OUTPUT_NAME.test(name)) {
    throw refuse('needs a "name" of 1-64 letters, digits, "_" or "-"');
  }
  if (!isRecord(schema) || Array.isArray(schema)) throw refuse('needs a "schema" that is a JSON object');
  const size = JSON.stringify(schema).length;
  if (size > MAX_OUTPUT_SCHEMA_CHARS) {
    throw refuse(`has a schema of ${size} characters; the limit is ${MAX_OUTPUT_SCHEMA_CHARS}`);
  }
  const strict = strictSchemaProblem(schema);
  if (strict !== undefined) {
    const path = jsonPath(['output', 'schema', ...strict.context, strict.keyword]);
    throw httpError('invalid_output_schema', `${path}: ${strict.problem} (strict structured outputs)`);
  }
  outputValidator(schema);
  return { name, schema };
}

function jsonMedia(
  item: unknown,
  index: number,
  settings: PipelineSettings,
  http: HttpSettings,
): RequestMedia {
  const where = `media[${index}]`;
  if (!isRecord(item) || Array.isArray(item))
    throw httpError('invalid_request', `${where} must be an object.`);
  const sources = (['data', 'url', 'blob'] as const).filter((key) => item[key] !== undefined);
  const extra = Object.keys(item).find((key) => !['data', 'url', 'blob', 'mimeType'].includes(key));
  if (extra !== undefined) {
    throw httpError('invalid_request', `Unknown field "${extra.slice(0, 100)}" in ${where}.`);
  }
  const [source] = sources;
  if (sources.length !== 1 || source === undefined) {
    throw httpError('invalid_request', `${where} must have exactly one of "data", "url" or "blob".`);
  }
  const value = item[source];
  if (typeof value !== 'string') throw httpError('invalid_request', `${where}.${source} must be a string.`);
  const { mimeType } = item;
  if (mimeType !== undefined && (source !== 'data' || typeof mimeType !== 'string')) {
    throw httpError('invalid_request', `${where}.mimeType is a string, and only goes with "data".`);
  }
  switch (source) {
    case 'data':
      return { from: 'data', ...inlineData(value, mimeType, where, settings.maxBytes), fileName: undefined };
    case 'url':
      return { from: 'url', url: imageUrl(value, where, http) };
    case 'blob':
      return { from: 'blob', ...blobReference(value, where, settings, http) };
  }
}

/**
 * `media[].data`: base64, or a whole `data:<type>;base64,<data>` URL (a common client habit), whose type is
 * then the declared one (detection from the bytes still decides; a different `mimeType` beside it is refused).
 */
function inlineData(
  value: string,
  mimeType: string | undefined,
  where: string,
  maxBytes: number,
): { bytes: Uint8Array; declaredType: string | undefined } {
  if (!/^data:/i.test(value)) return { bytes: decodeBase64(value, where, maxBytes), declaredType: mimeType };
  const comma = value.indexOf(',');
  const params = (comma === -1 ? '' : value.slice(5, comma)).split(';').map((param) => param.trim());
  if (comma === -1 || params.at(-1)?.toLowerCase() !== 'base64') {
    throw httpError(
      'invalid_base64',
      `${where}.data is a data URL, but not a base64 one ("data:<type>;base64,").`,
    );
  }
  const declared = params[0] === '' || params.length === 1 ? undefined : params[0]?.toLowerCase();
  if (mimeType !== undefined && declared !== undefined && mimeType.toLowerCase() !== declared) {
    throw httpError('invalid_request', `${where}.mimeType differs from the type in its data URL.`);
  }
  return { bytes: decodeBase64(value.slice(comma + 1), where, maxBytes), declaredType: declared ?? mimeType };
}

function decodeBase64(wrapped: string, where: string, maxBytes: number): Uint8Array {
  // RFC 2045 wraps base64 at 76 columns; spaces and line breaks carry nothing.
  const text = /\s/.test(wrapped) ? wrapped.replace(/\s+/g, '') : wrapped;
  // Checked first: Buffer.from skips characters that are not base64 without a word.
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw httpError('invalid_base64', `${where}.data is not valid base64.`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const size = (text.length / 4) * 3 - padding;
  if (size > maxBytes) {
    throw httpError('too_large', `${where} is ${size} bytes; the limit is ${maxBytes} bytes.`);
  }
  return Buffer.from(text, 'base64');
}

function imageUrl(value: string, where: string, http: HttpSettings): string {
  if (!http.allowImageUrls) {
    throw httpError(
      'url_not_allowed',
      `${where}.url: image URLs are not enabled here (MEDIA_HTTP_ALLOW_URLS).`,
    );
  }
  let url: URL | undefined;
  try {
    url = value.length <= MAX_URL_CHARS ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw httpError(
      'invalid_url',
      `${where}.url must be an absolute https URL of at most ${MAX_URL_CHARS} characters.`,
    );
  }
  return value;
}

function blobReference(
  value: string,
  where: string,
  settings: PipelineSettings,
  http: HttpSettings,
): { container: string; name: string } {
  if (!value.includes('/')) {
    throw httpError('invalid_request', `${where}.blob must be "<container>/<blob name>".`);
  }
  return authorizeBlobReference(
    value,
    { allowed: http.blobContainers, outputContainer: settings.outputContainer },
    `${where}.blob`,
  );
}

async function fromForm(
  body: Uint8Array,
  contentType: string,
  settings: PipelineSettings,
  http: HttpSettings,
): Promise<Pick<ParsedCompletionRequest, 'media' | 'overrides'>> {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) throw httpError('invalid_form', 'The multipart Content-Type has no boundary.');
  const oversized = largestPartHeader(body, delimiter);
  if (oversized > MAX_PART_HEADER_BYTES) {
    throw httpError(
      'invalid_form',
      `A part header is ${oversized} bytes; the limit is ${MAX_PART_HEADER_BYTES} bytes.`,
    );
  }
  const fields = new Map<string, string>();
  const media: RequestMedia[] = [];
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: Error): void => {
      if (!failed) reject(error);
      failed = true;
    };
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        // RFC 7578 makes `filename` optional: a `file` part is a file with or without one.
        isPartAFile: (name) => name === 'file',
        limits: {
          parts: http.maxParts,
          headerSize: MAX_PART_HEADER_BYTES,
          fileSize: settings.maxBytes,
          fieldSize: MAX_FIELD_BYTES,
        },
      });
    } catch {
      throw httpError('invalid_form', 'The multipart Content-Type is not valid.');
    }
    parser.on('partsLimit', () => {
      fail(
        httpError(
          'too_many_parts',
          `The form has more than ${http.maxParts} parts; the limit is ${http.maxParts}.`,
        ),
      );
    });
    parser.on('file', (_name, stream, fileName: string | undefined, _encoding, mimeType) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        fail(httpError('too_large', `A file part is over the limit of ${settings.maxBytes} bytes.`));
      });
      // A body cut inside a file part (an interrupted upload) errors the part's stream, not only the parser: an
      // unhandled stream error would take the whole worker process down.
      stream.on('error', () => {
        fail(httpError('invalid_form', 'The request body ends inside a file part.'));
      });
      stream.on('end', () => {
        // Characters, not UTF-16 units; the name is stored in documents, so it is bounded like a file system's.
        const characters = fileName === undefined ? 0 : codePointLength(fileName);
        if (characters > MAX_FILE_NAME_CHARS) {
          fail(
            httpError(
              'invalid_form',
              `A file name is ${characters} characters; the limit is ${MAX_FILE_NAME_CHARS}.`,
            ),
          );
          return;
        }
        media.push({
          from: 'file',
          bytes: Buffer.concat(chunks),
          declaredType: mimeType === '' ? undefined : mimeType,
          fileName: fileName === '' ? undefined : fileName,
        });
      });
    });
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (!FORM_TEXT_FIELDS.has(name)) {
        fail(httpError('invalid_form', `Unknown form field "${name.slice(0, 100)}".`));
      } else if (valueTruncated) {
        fail(httpError('invalid_form', `Form field "${name}" is over ${MAX_FIELD_BYTES} bytes.`));
      } else if (fields.has(name)) {
        fail(httpError('invalid_form', `Form field "${name}" is given twice.`));
      } else {
        fields.set(name, value);
      }
    });
    parser.on('error', () => {
      fail(httpError('invalid_form', 'The request body is not a valid multipart form.'));
    });
    parser.on('finish', () => {
      if (!failed) resolve();
    });
    parser.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
  const overrides = overridesFrom((name) => fields.get(name), 'form field', settings);
  if (media.length === 0) throw httpError('no_media', 'The form has no "file" part.');
  return { media, overrides };
}

/**
 * The size of the largest part header block (from a delimiter line to the blank line), looking only at real
 * delimiters (`--boundary` at the start of the body or of a line, RFC 2046): the parser truncates an oversized
 * header silently, and a header is refused rather than half read.
 */
function largestPartHeader(bytes: Uint8Array, boundary: string): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let largest = 0;
  for (let at = buffer.indexOf(delimiter); at !== -1; at = buffer.indexOf(delimiter, at + 1)) {
    if (at !== 0 && !(buffer[at - 1] === 0x0a && buffer[at - 2] === 0x0d)) continue;
    const lineEnd = buffer.indexOf('\r\n', at + delimiter.length);
    if (lineEnd === -1) break;
    const headerEnd = buffer.indexOf('\r\n\r\n', lineEnd);
    const size = (headerEnd === -1 ? buffer.length : headerEnd) - (lineEnd + 2);
    // Only a limit's worth is ever scanned past: a huge header is refused without reading it all.
    largest = Math.max(largest, size);
    if (largest > MAX_PART_HEADER_BYTES) break;
  }
  return largest;
}
