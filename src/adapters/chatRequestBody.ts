import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { jsonObjectInstruction } from '../core/analyzers/jsonObjectInstruction';
import type { ChatContentPart, ChatMessage, ChatRequest, ModelCallOptions } from '../core/ports/ModelGateway';

/** A JSON request body that can be produced again for every attempt, with its exact length in bytes. */
export interface StreamedBody {
  /** A fresh stream of the whole body on each call, so a retry can send it again. */
  stream: () => NodeJS.ReadableStream;
  length: number;
}

/**
 * Bytes per base64 chunk: a multiple of 3, so chunks encode without padding and join into one valid base64
 * string. 192 KiB in, 256 KiB out: each encoded chunk is above V8's regular object size, so it is allocated in
 * large-object space instead of being copied by every young-generation collection, and stays below the ~1 MB at
 * which Node makes strings external (measured with 1 MiB chunks: 2.4-4× the file in external memory at peak,
 * freed late).
 */
const CHUNK_BYTES = 3 * 64 * 1024;

/**
 * The chat completions body with each media item's base64 encoded chunk by chunk while it is sent: the data URL
 * (4/3 of the file) and the JSON text around it (as much again, and again as UTF-8) never exist in memory. Only
 * the media bytes are held, and a few hundred KiB at a time are in flight. `extra` adds top-level fields (e.g. `stream`);
 * `options` name the field the token limit goes under and the response format of a structured output.
 */
export function chatRequestBody(
  request: ChatRequest,
  extra: Record<string, unknown> = {},
  options: Pick<ModelCallOptions, 'maxTokensName' | 'responseFormat'> = {},
): StreamedBody {
  const { output } = request;
  const format = options.responseFormat ?? 'json_schema';
  const responseFormat =
    output === undefined
      ? undefined
      : format === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: output.name, schema: output.schema, strict: true } }
        : { type: 'json_object' };
  const messages =
    output === undefined || format === 'json_schema'
      ? request.messages
      : request.messages.map((message) =>
          message.role === 'system'
            ? { ...message, content: message.content + jsonObjectInstruction(output) }
            : message,
        );
  const media: Uint8Array[] = [];
  // A random marker stands in for each base64 payload; no prompt can contain it by chance.
  const marker = `@${randomUUID()}:`;
  const placeholder = (bytes: Uint8Array): string => `${marker}${media.push(bytes) - 1}@`;
  const json = JSON.stringify({
    messages: messages.map((message) => toJsonMessage(message, placeholder)),
    [options.maxTokensName ?? 'max_tokens']: request.maxTokens,
    ...(request.model === undefined ? {} : { model: request.model }),
    ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
    ...extra,
  });
  const texts = json.split(new RegExp(`${marker}\\d+@`));
  const length =
    texts.reduce((total, text) => total + Buffer.byteLength(text, 'utf8'), 0) +
    media.reduce((total, bytes) => total + 4 * Math.ceil(bytes.length / 3), 0);
  return {
    // Strings all the way to the socket: it copies each into memory it frees as soon as the write completes,
    // where a Buffer per chunk would wait for the garbage collector.
    stream: () => Readable.from(segments(texts, media), { objectMode: false, encoding: 'utf8' }),
    length,
  };
}

function* segments(texts: readonly string[], media: readonly Uint8Array[]): Generator<string> {
  for (const [index, text] of texts.entries()) {
    yield text;
    const bytes = media[index];
    if (bytes === undefined) continue;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let start = 0; start < buffer.length; start += CHUNK_BYTES) {
      yield buffer.subarray(start, start + CHUNK_BYTES).toString('base64');
    }
  }
}

function toJsonMessage(message: ChatMessage, placeholder: (bytes: Uint8Array) => string): unknown {
  if (message.role === 'system' || typeof message.content === 'string') {
    return { role: message.role, content: message.content };
  }
  return { role: 'user', content: message.content.map((part) => toJsonPart(part, placeholder)) };
}

function toJsonPart(part: ChatContentPart, placeholder: (bytes: Uint8Array) => string): unknown {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return {
        type: 'image_url',
        image_url: { url: `data:${part.mimeType};base64,${placeholder(part.bytes)}`, detail: part.detail },
      };
    case 'imageUrl':
      return { type: 'image_url', image_url: { url: part.url, detail: part.detail } };
    case 'audio':
      return { type: 'input_audio', input_audio: { data: placeholder(part.bytes), format: part.format } };
  }
}
