/**
 * The part of a Functions `HttpRequest` the core reads (structural, so the core needs no `@azure/functions`).
 * `body` is the raw stream: the core reads it itself, to enforce size limits while reading.
 */
export interface HttpRequestLike {
  headers: { get(name: string): string | null };
  query: URLSearchParams;
  body: AsyncIterable<Uint8Array> | null;
}
