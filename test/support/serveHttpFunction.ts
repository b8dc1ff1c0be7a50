import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, HttpResponse, type HttpResponseInit, type InvocationContext } from '@azure/functions';

export interface ServedFunction {
  /** e.g. `http://127.0.0.1:40123/api/completions` */
  url: string;
  close(): Promise<void>;
}

/**
 * Test-only: mounts an HTTP-triggered handler on a real `node:http` socket at `/api/<route>`, converting the
 * request and the response the way the Functions host does, with the response body streamed to the socket. In
 * production the Functions host serves the handler; nothing in `src` uses this.
 */
export async function serveHttpFunction(
  route: string,
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
  newContext: () => InvocationContext,
): Promise<ServedFunction> {
  const server = http.createServer((incoming, outgoing) => {
    void serve(incoming, outgoing).catch(() => {
      outgoing.destroy();
    });
  });

  async function serve(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== `/api/${route}`) {
      outgoing.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request = new HttpRequest({
      method: incoming.method ?? 'GET',
      url: url.toString(),
      headers,
      query: Object.fromEntries(url.searchParams),
      body: { bytes: Buffer.concat(chunks) },
    });
    const response = new HttpResponse(await handler(request, newContext()));
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body !== null) {
      for await (const chunk of response.body) outgoing.write(chunk as Uint8Array);
    }
    outgoing.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/${route}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
