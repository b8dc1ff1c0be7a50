import type http from 'node:http';
import { ServiceResponseError } from './ServiceResponseError';

/** Ten 20 MB images as base64 in JSON fit; beyond this the body is refused before it is parsed. */
const MAX_BODY_BYTES = 300 * 1024 * 1024;

/**
 * Reads a whole request body. Rejects with a 413 `request_too_large` {@link ServiceResponseError} past 300 MB
 * (the rest is drained, not kept, so the answer can still be sent), or with the stream's error.
 */
export function readRequestBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(
          new ServiceResponseError(413, {
            error: { code: 'request_too_large', message: 'Request body too large.' },
          }),
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    request.on('error', reject);
  });
}
