import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';
import { answerChatRequest, promptTokens } from './answerChatRequest';
import type { ChatAnswer } from './answerChatRequest';
import { checkCredential } from './checkCredential';
import type { EmulatorOptions } from './EmulatorOptions';
import type { EmulatorStats, MediaSummary, RequestSummary } from './EmulatorStats';
import type { FaultKind } from './FaultKind';
import { FaultSchedule } from './FaultSchedule';
import { DEFAULT_MODEL_PROFILE, MODEL_PROFILES } from './modelProfiles';
import type { ModelProfile } from './modelProfiles';
import { parseChatRequest } from './parseChatRequest';
import type { ReceivedMedia } from './ReceivedMedia';
import type { RunningEmulator } from './RunningEmulator';
import { seededRandom } from './seededRandom';
import {
  SAFE_FILTER_RESULTS,
  UNAUTHORIZED_BODY,
  apiVersionNotSupported,
  contentFiltered,
  deploymentNotFound,
  internalServerError,
  permissionDenied,
  missingApiVersion,
  notFound,
  serviceUnavailable,
  tooManyRequests,
} from './serviceErrors';
import { ServiceResponseError } from './ServiceResponseError';
import { TokenBucket } from './TokenBucket';

const CHAT_ROUTE = /^(?:\/models|\/openai\/deployments\/[^/]+)?\/chat\/completions$/;
const INFO_ROUTE = /^(?:\/models)?\/info$/;
const DEPLOYMENT_ROUTE = /^\/openai\/deployments\/([^/]+)\//;
/** Ten 20 MB images as base64 in JSON fit; beyond this the body is refused before it is parsed. */
const MAX_BODY_BYTES = 300 * 1024 * 1024;
const MAX_SUMMARIES = 1000;
/** Reported in the remaining-quota headers when no limit is set: what a 1M TPM deployment would show. */
const UNLIMITED_REQUESTS = 6000;
const UNLIMITED_TOKENS = 1_000_000;
/** Characters per streamed chunk. */
const STREAM_CHUNK = 24;

function resolveProfile(model: EmulatorOptions['model']): ModelProfile {
  if (typeof model === 'object') return model;
  const name = model ?? DEFAULT_MODEL_PROFILE;
  const profile = MODEL_PROFILES[name];
  if (profile === undefined) {
    throw new RangeError(`Unknown model profile ${name}; known: ${Object.keys(MODEL_PROFILES).join(', ')}.`);
  }
  return profile;
}

function latencyPicker(latency: EmulatorOptions['latencyMs'], random: () => number): () => number {
  if (latency === undefined) return () => 0;
  const [min, max] = typeof latency === 'number' ? [latency, latency] : latency;
  if (!(min >= 0 && max >= min))
    throw new RangeError(`latencyMs must be >= 0 and min <= max, got ${min}-${max}.`);
  return () => min + Math.round(random() * (max - min));
}

function summariseMedia(item: ReceivedMedia): MediaSummary {
  const { info, ...rest } = item;
  const summary: MediaSummary = { kind: rest.kind, source: rest.source };
  if (rest.mimeType !== undefined) summary.mimeType = rest.mimeType;
  if (rest.bytes !== undefined) summary.bytes = rest.bytes;
  if (rest.sha256 !== undefined) summary.sha256 = rest.sha256;
  if (rest.urlHost !== undefined) summary.urlHost = rest.urlHost;
  if (rest.orientation !== undefined) summary.orientation = rest.orientation;
  if (rest.space !== undefined) summary.space = rest.space;
  if (info?.kind === 'image') Object.assign(summary, { width: info.width, height: info.height });
  if (info?.kind === 'audio') summary.durationSeconds = info.durationSeconds;
  return summary;
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
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

async function createCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Starts a local stand-in for Azure AI model inference chat completions: Azure's routes, auth, validation,
 * response and error shapes, token usage, rate limits and injected faults, with deterministic answers that
 * describe the media received.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const profile = resolveProfile(options.model);
  const random = seededRandom(options.seed ?? 1);
  const latencyRandom = seededRandom((options.seed ?? 1) + 1);
  const nextLatency = latencyPicker(options.latencyMs, latencyRandom);
  const faults = new FaultSchedule({
    ...(options.faults === undefined ? {} : { sequence: options.faults }),
    ...(options.faultRate === undefined ? {} : { rate: options.faultRate }),
    ...(options.faultKinds === undefined ? {} : { kinds: options.faultKinds }),
    random,
  });
  const rpm = options.rpm === undefined ? undefined : new TokenBucket(options.rpm);
  const tpm = options.tpm === undefined ? undefined : new TokenBucket(options.tpm);
  const faultRetryAfterMs = options.faultRetryAfterMs ?? 1000;
  const credentialPolicy = { key: options.key, expectedAudience: options.expectedAudience };
  const stats: EmulatorStats = { requests: 0, chatCompletions: 0, byStatus: {}, received: [] };
  const sockets = new Set<Socket>();
  let closing = false;

  function record(summary: RequestSummary, started: number): void {
    stats.byStatus[summary.status] = (stats.byStatus[summary.status] ?? 0) + 1;
    stats.received.push(summary);
    if (stats.received.length > MAX_SUMMARIES) stats.received.shift();
    const media = summary.media.map((item) => item.mimeType ?? `${item.kind}-url`).join(',');
    options.log?.(
      `${summary.method} ${summary.route} ${summary.status} ${Date.now() - started}ms` +
        (summary.fault === undefined ? '' : ` fault=${summary.fault}`) +
        (media === '' ? '' : ` media=${media}`) +
        (summary.usage === undefined ? '' : ` tokens=${summary.usage.total_tokens}`),
    );
  }

  function quotaHeaders(): Record<string, string> {
    return {
      'x-ratelimit-remaining-requests': String(rpm?.remaining() ?? UNLIMITED_REQUESTS),
      'x-ratelimit-remaining-tokens': String(tpm?.remaining() ?? UNLIMITED_TOKENS),
    };
  }

  function sendJson(
    response: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }

  function charge(tokens: number): void {
    const requestWait = rpm?.take(1) ?? 0;
    if (requestWait > 0) throw tooManyRequests(requestWait);
    const tokenWait = tpm?.take(tokens) ?? 0;
    if (tokenWait > 0) {
      rpm?.giveBack(1);
      throw tooManyRequests(tokenWait);
    }
  }

  function faultError(fault: FaultKind): ServiceResponseError | undefined {
    switch (fault) {
      case '429-bare':
        return tooManyRequests(undefined);
      case '429':
        return tooManyRequests(faultRetryAfterMs);
      case '500':
        return internalServerError();
      case '503':
        return serviceUnavailable(faultRetryAfterMs);
      case 'content-filter':
        return contentFiltered();
      case '403':
        return permissionDenied();
      default:
        return undefined;
    }
  }

  function sendStream(
    response: http.ServerResponse,
    headers: Record<string, string>,
    base: { id: string; created: number; model: string },
    answer: ChatAnswer,
    includeUsage: boolean,
  ): void {
    response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
      const event = {
        ...base,
        object: 'chat.completion.chunk',
        system_fingerprint: 'fp_emulator',
        choices,
        ...extra,
      };
      response.write(`data: ${JSON.stringify(event)}\n\n`);
    };
    chunk([], { prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER_RESULTS }] });
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (let offset = 0; offset < answer.content.length; offset += STREAM_CHUNK) {
      const content = answer.content.slice(offset, offset + STREAM_CHUNK);
      chunk([
        { index: 0, delta: { content }, finish_reason: null, content_filter_results: SAFE_FILTER_RESULTS },
      ]);
    }
    chunk([{ index: 0, delta: {}, finish_reason: answer.finishReason }]);
    if (includeUsage) chunk([], { usage: answer.usage });
    response.end('data: [DONE]\n\n');
  }

  async function handleChat(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    summary: RequestSummary,
    headers: Record<string, string>,
  ): Promise<void> {
    stats.chatCompletions += 1;
    const fault = faults.next();
    if (fault !== 'ok') summary.fault = fault;
    if (fault === 'reset' || fault === 'hang') {
      summary.status = fault;
      if (fault === 'reset') request.socket.destroy();
      return;
    }
    const raw = await readBody(request);
    const delay = nextLatency();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    if (closing) return;
    const injected = faultError(fault);
    if (injected !== undefined) throw injected;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw ServiceResponseError.badRequest('The request body is not valid JSON.');
    }
    const chat = await parseChatRequest(body, profile);
    summary.media = chat.media.map(summariseMedia);
    summary.stream = chat.stream;
    charge(promptTokens(chat, profile) + (chat.maxTokens ?? 0));
    const answer = answerChatRequest(chat, profile);
    summary.usage = answer.usage;
    summary.status = '200';
    const base = {
      id: `chatcmpl-${summary.id}`,
      created: Math.floor(Date.now() / 1000),
      model: profile.model,
    };
    const allHeaders = { ...headers, ...quotaHeaders() };
    if (chat.stream) {
      sendStream(response, allHeaders, base, answer, chat.includeUsage);
      return;
    }
    sendJson(
      response,
      200,
      {
        ...base,
        object: 'chat.completion',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER_RESULTS }],
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.content },
            finish_reason: answer.finishReason,
            logprobs: null,
            content_filter_results: SAFE_FILTER_RESULTS,
          },
        ],
        system_fingerprint: 'fp_emulator',
        usage: answer.usage,
      },
      allHeaders,
    );
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const id = randomUUID();
    const url = new URL(request.url ?? '/', 'http://emulator');
    const method = request.method ?? 'GET';
    const summary: RequestSummary = { id, method, route: url.pathname, status: '', media: [] };
    const headers = { 'apim-request-id': id, 'x-request-id': id };
    stats.requests += 1;
    try {
      const isChat = CHAT_ROUTE.test(url.pathname);
      const isInfo = INFO_ROUTE.test(url.pathname);
      if ((!isChat && !isInfo) || (isChat && method !== 'POST') || (isInfo && method !== 'GET'))
        throw notFound();
      const apiKey = request.headers['api-key'];
      if (typeof apiKey === 'string' && options.keysWithoutRole?.includes(apiKey) === true) {
        throw permissionDenied();
      }
      if (!checkCredential(request.headers, credentialPolicy)) {
        throw new ServiceResponseError(401, UNAUTHORIZED_BODY);
      }
      const apiVersion = url.searchParams.get('api-version');
      if (!apiVersion) throw missingApiVersion();
      if (options.apiVersions !== undefined && !options.apiVersions.includes(apiVersion)) {
        throw apiVersionNotSupported();
      }
      const deployment = DEPLOYMENT_ROUTE.exec(url.pathname)?.[1];
      if (
        deployment !== undefined &&
        options.deployments?.includes(decodeURIComponent(deployment)) === false
      ) {
        throw deploymentNotFound();
      }
      if (isInfo) {
        summary.status = '200';
        sendJson(
          response,
          200,
          { model_name: profile.model, model_type: 'chat-completion', model_provider_name: profile.provider },
          headers,
        );
      } else {
        await handleChat(request, response, summary, headers);
      }
    } catch (error) {
      const failure = error instanceof ServiceResponseError ? error : internalServerError();
      if (!(error instanceof ServiceResponseError)) {
        options.log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      }
      summary.status = String(failure.status);
      const extra = summary.route.endsWith('/chat/completions') ? quotaHeaders() : {};
      if (!response.headersSent && !response.destroyed) {
        sendJson(response, failure.status, failure.body, { ...headers, ...extra, ...failure.headers });
      }
    }
    if (summary.status !== '') record(summary, started);
  }

  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    void handle(request, response);
  };
  const certificate = options.https === true ? await createCertificate() : undefined;
  const server =
    certificate === undefined ? http.createServer(listener) : https.createServer(certificate, listener);
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
    profile,
    stats: () => structuredClone(stats),
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
