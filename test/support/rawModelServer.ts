import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded answer, served byte for byte: a JSON or text body, or server-sent events. */
export interface RawAnswer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (e.g. an HTML error page). */
  body?: unknown;
  /** Each event is sent as `data: <JSON>`, then `data: [DONE]`. */
  events?: readonly unknown[];
}

export interface RawModelServer {
  /** Base URL; clients append `/models`. */
  url: string;
  /** The JSON bodies received, in order. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A model endpoint that answers with exactly the given recorded responses, in order (the last one repeats), for
 * the response shapes of real Azure endpoints that the emulator does not produce.
 */
export async function rawModelServer(answers: readonly RawAnswer[]): Promise<RawModelServer> {
  const requests: Record<string, unknown>[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      if (answer === undefined) throw new Error('no answers');
      if (answer.events !== undefined) {
        response.writeHead(answer.status, { 'content-type': 'text/event-stream', ...answer.headers });
        for (const event of answer.events) response.write(`data: ${JSON.stringify(event)}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      const text =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/html' : 'application/json',
        ...answer.headers,
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
