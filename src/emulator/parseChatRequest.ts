import { createHash } from 'node:crypto';
import type { MediaInfo } from '../core/media/MediaInfo';
import type { ImageDetail } from '../core/completion/ImageDetail';
import type { ParsedChatRequest } from './ParsedChatRequest';
import { inspectReceivedImage } from './inspectReceivedImage';
import type { ModelProfile } from './modelProfiles';
import { AudioProbeError, probeAudio } from './probeAudio';
import type { ReceivedMedia } from './ReceivedMedia';
import { readResponseFormat } from './readResponseFormat';
import { maxTokensUnsupported } from './serviceErrors';
import { ServiceResponseError } from './ServiceResponseError';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const IMAGE_MIME_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const AUDIO_FORMATS = new Set(['wav', 'mp3']);
const DETAILS = new Set(['auto', 'low', 'high']);
/** The documented per-image and per-audio-message limit. */
export const MAX_MEDIA_BYTES = 20 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:([^;,]*)((?:;[^;,=]+=[^;,]*)*);base64,/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a request body the way the service does and extracts what the answer is built from. `apiVersion` is
 * the request's `api-version` (structured outputs need a recent one).
 */
export async function parseChatRequest(
  body: unknown,
  profile: ModelProfile,
  apiVersion?: string,
): Promise<ParsedChatRequest> {
  if (!isObject(body)) throw ServiceResponseError.badRequest('The request body must be a JSON object.');
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw ServiceResponseError.badRequest("'messages' must be a non-empty array.", 'messages');
  }
  const media: Promise<ReceivedMedia>[] = [];
  const prompt: string[] = [];
  const allText: string[] = [];
  messages.forEach((message: unknown, index) => {
    const param = `messages[${index}]`;
    if (!isObject(message)) throw ServiceResponseError.badRequest(`${param} must be an object.`, param);
    const { role, content } = message;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw ServiceResponseError.badRequest(
        `${param}.role must be one of ${[...ROLES].join(', ')}; got ${JSON.stringify(role)}.`,
        `${param}.role`,
      );
    }
    if (typeof content === 'string') {
      allText.push(content);
      if (role === 'user') prompt.push(content);
    } else if (Array.isArray(content)) {
      if (role !== 'user') {
        throw ServiceResponseError.badRequest(
          `${param}.content: content parts are allowed only in user messages; a ${role} message needs a string.`,
          `${param}.content`,
        );
      }
      content.forEach((part: unknown, partIndex) => {
        const text = readPart(part, `${param}.content[${partIndex}]`, profile, media);
        if (text !== undefined) {
          allText.push(text);
          prompt.push(text);
        }
      });
    } else if (!(content === null && role === 'assistant')) {
      throw ServiceResponseError.badRequest(
        `${param}.content must be a string or an array.`,
        `${param}.content`,
      );
    }
  });
  const received = await Promise.all(media);
  const images = received.filter((item) => item.kind === 'image').length;
  if (images > profile.maxImagesPerTurn) {
    throw ServiceResponseError.badRequest(
      profile.maxImagesPerTurn === 1
        ? `Model ${profile.model} accepts only one image per turn; the request has ${images}.`
        : `Too many images: ${images}; model ${profile.model} accepts at most ${profile.maxImagesPerTurn}.`,
      'messages',
    );
  }
  const joined = allText.join('\n');
  return {
    media: received,
    promptText: prompt.join(' '),
    allText: joined,
    maxTokens: readMaxTokens(body, profile),
    stream: readBoolean(body, 'stream'),
    includeUsage: isObject(body.stream_options) && body.stream_options.include_usage === true,
    responseFormat: readResponseFormat(body, profile, apiVersion, joined),
  };
}

/** `max_tokens`, or `max_completion_tokens` (which o-series profiles require instead). */
function readMaxTokens(body: Json, profile: ModelProfile): number | undefined {
  if (profile.requiresMaxCompletionTokens === true && body.max_tokens !== undefined) {
    throw maxTokensUnsupported();
  }
  const name = body.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens';
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw ServiceResponseError.badRequest(`'${name}' must be a positive integer.`, name);
  }
  return value;
}

function readBoolean(body: Json, name: string): boolean {
  const value = body[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw ServiceResponseError.badRequest(`'${name}' must be a boolean.`, name);
  return value;
}

/** Returns the text of a text part; records media parts into `media`. */
function readPart(
  part: unknown,
  param: string,
  profile: ModelProfile,
  media: Promise<ReceivedMedia>[],
): string | undefined {
  if (!isObject(part)) throw ServiceResponseError.badRequest(`${param} must be an object.`, param);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') {
        throw ServiceResponseError.badRequest(`${param}.text must be a string.`, `${param}.text`);
      }
      return part.text;
    case 'image_url':
      requireCapability(profile.acceptsImages, 'image', profile, param);
      media.push(settled(readImage(part.image_url, `${param}.image_url`)));
      return undefined;
    case 'input_audio':
      requireCapability(profile.acceptsAudio, 'audio', profile, param);
      media.push(Promise.resolve(readInputAudio(part.input_audio, `${param}.input_audio`)));
      return undefined;
    case 'audio_url':
      requireCapability(profile.acceptsAudio, 'audio', profile, param);
      media.push(
        Promise.resolve({
          kind: 'audio',
          source: 'url',
          urlHost: readHttpsHost(part.audio_url, `${param}.audio_url`),
        }),
      );
      return undefined;
    default:
      throw ServiceResponseError.badRequest(
        `${param}.type must be text, image_url, input_audio or audio_url; got ${JSON.stringify(part.type)}.`,
        `${param}.type`,
      );
  }
}

/**
 * Marks a pending validation as observed: a later part may throw before `Promise.all` awaits it, and its rejection
 * must not surface as unhandled. The original promise still rejects for `Promise.all`.
 */
function settled<T>(pending: Promise<T>): Promise<T> {
  pending.catch(() => undefined);
  return pending;
}

function requireCapability(accepted: boolean, kind: string, profile: ModelProfile, param: string): void {
  if (!accepted) {
    throw ServiceResponseError.badRequest(`Model ${profile.model} does not accept ${kind} input.`, param);
  }
}

async function readImage(value: unknown, param: string): Promise<ReceivedMedia> {
  if (!isObject(value) || typeof value.url !== 'string') {
    throw ServiceResponseError.badRequest(`${param}.url must be a string.`, `${param}.url`);
  }
  const detail = value.detail ?? 'auto';
  if (typeof detail !== 'string' || !DETAILS.has(detail)) {
    throw ServiceResponseError.badRequest(`${param}.detail must be auto, low or high.`, `${param}.detail`);
  }
  const imageDetail = detail as ImageDetail;
  const { url } = value;
  if (!url.startsWith('data:')) {
    return { kind: 'image', source: 'url', detail: imageDetail, urlHost: readHttpsHost(value, param) };
  }
  const match = DATA_URL.exec(url);
  const mimeType = match?.[1]?.toLowerCase();
  if (match === null || mimeType === undefined) {
    throw ServiceResponseError.badRequest(`${param}.url must be data:<mime>;base64,<data>.`, `${param}.url`);
  }
  if (!IMAGE_MIME_TYPES.has(mimeType)) {
    throw ServiceResponseError.badRequest(
      `${param}.url: image type ${JSON.stringify(mimeType)} is not supported; use png, jpeg, gif or webp.`,
      `${param}.url`,
    );
  }
  const bytes = decodeBase64(url.slice(match[0].length), `${param}.url`);
  const image = await inspectReceivedImage(bytes, `${param}.url`);
  if (image.info.mimeType !== mimeType) {
    throw ServiceResponseError.badRequest(
      `${param}.url declares ${mimeType} but the data is ${image.info.mimeType}.`,
      `${param}.url`,
    );
  }
  return { kind: 'image', source: 'data', mimeType, ...summarise(bytes), ...image, detail: imageDetail };
}

function readInputAudio(value: unknown, param: string): ReceivedMedia {
  if (!isObject(value) || typeof value.data !== 'string') {
    throw ServiceResponseError.badRequest(`${param}.data must be a base64 string.`, `${param}.data`);
  }
  const { data, format } = value;
  if (typeof format !== 'string' || !AUDIO_FORMATS.has(format)) {
    throw ServiceResponseError.badRequest(`${param}.format must be wav or mp3.`, `${param}.format`);
  }
  if (data.startsWith('data:')) {
    throw ServiceResponseError.badRequest(
      `${param}.data must be raw base64 without a data: URL prefix.`,
      `${param}.data`,
    );
  }
  const bytes = decodeBase64(data, `${param}.data`);
  const info = probe(bytes, format === 'wav' ? 'wav' : 'mp3', `${param}.data`);
  return { kind: 'audio', source: 'data', mimeType: info.mimeType, ...summarise(bytes), info };
}

function readHttpsHost(value: unknown, param: string): string {
  const raw = isObject(value) ? value.url : undefined;
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw ServiceResponseError.badRequest(`${param}.url must be an https URL or a data URL.`, `${param}.url`);
  }
  return url.host;
}

function decodeBase64(text: string, param: string): Buffer {
  // Checked before decoding: Buffer.from silently skips invalid characters.
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw ServiceResponseError.badRequest(`${param} is not valid base64.`, param);
  }
  // Upper bound from the text length, so that an oversized item is refused before it is decoded.
  if ((text.length / 4) * 3 - 2 > MAX_MEDIA_BYTES) {
    throw ServiceResponseError.badRequest(`${param} is larger than the 20 MB limit.`, param);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_MEDIA_BYTES) {
    throw ServiceResponseError.badRequest(`${param} is larger than the 20 MB limit.`, param);
  }
  return bytes;
}

function probe(bytes: Buffer, format: 'wav' | 'mp3', param: string): MediaInfo {
  try {
    return probeAudio(bytes, format);
  } catch (error) {
    if (error instanceof AudioProbeError) {
      throw ServiceResponseError.badRequest(`${param}: ${error.message}`, param, error.code);
    }
    throw error;
  }
}

function summarise(bytes: Buffer): { bytes: number; sha256: string } {
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 8) };
}
