import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createCertificate } from './createCertificate';
import type { EmulatorOptions } from './EmulatorOptions';
import type { EmulatorState } from './EmulatorState';
import { FaultSchedule } from './FaultSchedule';
import { handleEmulatorRequest } from './handleEmulatorRequest';
import { latencyPicker } from './latencyPicker';
import { RateLimits } from './RateLimits';
import { resolveProfile } from './resolveProfile';
import type { RunningEmulator } from './RunningEmulator';
import { seededRandom } from './seededRandom';
import { TokenBucket } from './TokenBucket';

/**
 * Starts a local stand-in for Azure AI model inference chat completions: Azure's routes, auth, validation,
 * response and error shapes, token usage, rate limits and injected faults, with deterministic answers that
 * describe the media received.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const random = seededRandom(options.seed ?? 1);
  let closing = false;
  const state: EmulatorState = {
    options,
    profile: resolveProfile(options.model),
    faults: new FaultSchedule({
      ...(options.faults === undefined ? {} : { sequence: options.faults }),
      ...(options.faultRate === undefined ? {} : { rate: options.faultRate }),
      ...(options.faultKinds === undefined ? {} : { kinds: options.faultKinds }),
      random,
    }),
    limits: new RateLimits(
      options.rpm === undefined ? undefined : new TokenBucket(options.rpm),
      options.tpm === undefined ? undefined : new TokenBucket(options.tpm),
    ),
    nextLatency: latencyPicker(options.latencyMs, seededRandom((options.seed ?? 1) + 1)),
    faultRetryAfterMs: options.faultRetryAfterMs ?? 1000,
    stats: { requests: 0, chatCompletions: 0, byStatus: {}, received: [] },
    isClosing: () => closing,
  };
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    void handleEmulatorRequest(request, response, state);
  };
  const certificate = options.https === true ? await createCertificate() : undefined;
  const server =
    certificate === undefined ? http.createServer(listener) : https.createServer(certificate, listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running: RunningEmulator = {
    url: `${certificate === undefined ? 'http' : 'https'}://${host}:${address.port}`,
    profile: state.profile,
    stats: () => structuredClone(state.stats),
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  if (certificate !== undefined) running.certificate = certificate.cert;
  return running;
}
