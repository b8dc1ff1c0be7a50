import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that passed through the proxy, named the way the Storage REST API names its operations. */
export interface StorageRequest {
  service: 'blob' | 'queue';
  method: string;
  /** The path below the account, decoded: `<container>/<blob>` or `<queue>/messages`. */
  path: string;
  /** `comp` / `restype` query values, e.g. `list`, `block`, `blocklist`, `container`; empty for plain blob I/O. */
  operation: string;
  status: number;
}

export interface CountingStorageProxy {
  /** The connection string of the target with its blob and queue endpoints pointed at the proxy. */
  connectionString: string;
  /** Every request so far, in the order their answers came back. */
  readonly requests: readonly StorageRequest[];
  /** Forgets the requests counted so far. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of Azurite's blob and queue endpoints that records each request, so tests and
 * the bench can count storage round trips per item exactly. Shared Key signatures cover the path and headers but
 * not the host, so requests signed for the proxy's address are valid at the target.
 */
export async function startCountingStorageProxy(connectionString: string): Promise<CountingStorageProxy> {
  const settings = new Map(
    connectionString
      .split(';')
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const),
  );
  const requests: StorageRequest[] = [];
  const servers: http.Server[] = [];
  let rewritten = connectionString;
  for (const [setting, service] of [
    ['BlobEndpoint', 'blob'],
    ['QueueEndpoint', 'queue'],
  ] as const) {
    const endpoint = settings.get(setting);
    if (endpoint === undefined) continue;
    const target = new URL(endpoint);
    const server = http.createServer((incoming, outgoing) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (answer) => {
          requests.push(describe(service, target, incoming, answer.statusCode ?? 0));
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    rewritten = rewritten.replace(endpoint, `http://127.0.0.1:${port}${target.pathname}`);
  }
  return {
    connectionString: rewritten,
    requests,
    reset: () => {
      requests.length = 0;
    },
    close: async () => {
      await Promise.all(
        servers.map(async (server) => {
          server.closeAllConnections();
          server.close();
          await once(server, 'close');
        }),
      );
    },
  };
}

function describe(
  service: StorageRequest['service'],
  target: URL,
  incoming: http.IncomingMessage,
  status: number,
): StorageRequest {
  const url = new URL(incoming.url ?? '/', 'http://proxy');
  const below = url.pathname.startsWith(target.pathname)
    ? url.pathname.slice(target.pathname.length)
    : url.pathname;
  const operation = [url.searchParams.get('restype'), url.searchParams.get('comp')]
    .filter((value): value is string => value !== null)
    .join(',');
  return {
    service,
    method: incoming.method ?? 'GET',
    path: decodeURIComponent(below.replace(/^\//, '')),
    operation,
    status,
  };
}
