import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ChatContentPart, ChatMessage, ChatRequest } from '../core/ports/ModelGateway';

/** A JSON request body that can be produced again for every attempt, with its exact length in bytes. */
export interface StreamedBody {
  /** A fresh stream of the whole body on each call, so a retry can send it again. */
  stream: () => NodeJS.ReadableStream;
  length: number;
}

/**
 * Bytes per base64 chunk: a multiple of 3, so chunks encode without padding and join into one valid base64
 * string. 768 KiB in, 1 MiB out: Node keeps encoded strings this long outside the V8 heap (above ~1,000,000
 * characters), so the chunks never fill and grow the young generation; smaller chunks made peak RSS jump by
 * tens of MB at random, as new space grew.
 */
const CHUNK_BYTES = 3 * 64 * 1024;

/**
 * The chat completions body with each media item's base64 encoded chunk by chunk while it is sent: the data URL
 * (4/3 of the file) and the JSON text around it (as much again, and again as UTF-8) never exist in memory. Only
 * the media bytes are held, and about 1 MiB at a time is in flight. `extra` adds top-level fields (e.g. `stream`).
 */
export function chatRequestBody(request: ChatRequest, extra: Record<string, unknown> = {}): StreamedBody {
  const media: Uint8Array[] = [];
  // A random marker stands in for each base64 payload; no prompt can contain it by chance.
  const marker = `@${randomUUID()}:`;
  const placeholder = (bytes: Uint8Array): string => `${marker}${media.push(bytes) - 1}@`;
  const json = JSON.stringify({
    messages: request.messages.map((message) => toJsonMessage(message, placeholder)),
    max_tokens: request.maxTokens,
    ...(request.model === undefined ? {} : { model: request.model }),
    ...extra,
  });
  const texts = json.split(new RegExp(`${marker}\\d+@`)).map((text) => Buffer.from(text, 'utf8'));
  const length =
    texts.reduce((total, text) => total + text.length, 0) +
    media.reduce((total, bytes) => total + 4 * Math.ceil(bytes.length / 3), 0);
  return {
    stream: () => Readable.from(segments(texts, media), { objectMode: false }),
    length,
  };
}

function* segments(texts: readonly Buffer[], media: readonly Uint8Array[]): Generator<Buffer> {
  for (const [index, text] of texts.entries()) {
    yield text;
    const bytes = media[index];
    if (bytes === undefined) continue;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let start = 0; start < buffer.length; start += CHUNK_BYTES) {
      yield Buffer.from(buffer.subarray(start, start + CHUNK_BYTES).toString('base64'), 'latin1');
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
