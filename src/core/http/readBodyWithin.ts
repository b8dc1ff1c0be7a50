import { httpError } from './httpError';

/**
 * Reads a request body, refusing it with `too_large` as soon as it passes `limit` bytes (and before reading at
 * all when Content-Length already says so), so that an oversized upload is never held in memory.
 */
export async function readBodyWithin(
  body: AsyncIterable<Uint8Array> | null,
  contentLength: string | null,
  limit: number,
): Promise<Uint8Array> {
  if (contentLength !== null && /^\d+$/.test(contentLength.trim()) && Number(contentLength) > limit) {
    throw tooLarge(Number(contentLength), limit);
  }
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // Leaving the loop early cancels the stream: the rest of the upload is not read.
    if (size > limit) throw tooLarge(undefined, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(declared: number | undefined, limit: number): Error {
  return httpError(
    'too_large',
    declared === undefined
      ? `The request body is over the limit of ${limit} bytes.`
      : `The request body is ${declared} bytes; the limit is ${limit} bytes.`,
  );
}
