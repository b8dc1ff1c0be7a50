/** What the HTTP function answers: a JSON document, or server-sent events. */
export type HttpAnswer =
  | { status: number; headers: Record<string, string>; json: unknown }
  | { status: 200; headers: Record<string, string>; events: AsyncIterable<Uint8Array> };
