import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { checkCredential } from './checkCredential';
import type { EmulatorState } from './EmulatorState';
import { handleChatCompletion } from './handleChatCompletion';
import type { ReceivedRequest } from './ReceivedRequest';
import { recordRequest } from './recordRequest';
import { sendJson } from './sendJson';
import {
  UNAUTHORIZED_BODY,
  apiVersionNotSupported,
  deploymentNotFound,
  internalServerError,
  missingApiVersion,
  notFound,
  permissionDenied,
} from './serviceErrors';
import { ServiceResponseError } from './ServiceResponseError';

const CHAT_ROUTE = /^(?:\/models|\/openai\/deployments\/[^/]+)?\/chat\/completions$/;
const INFO_ROUTE = /^(?:\/models)?\/info$/;
const DEPLOYMENT_ROUTE = /^\/openai\/deployments\/([^/]+)\//;

/**
 * Answers one request the way Azure AI model inference does, in Azure's order: route, role, credential,
 * `api-version`, deployment, then `/info` or the chat completion. Every refusal is answered with the service's
 * error body; anything unexpected becomes a 500 and a log line. Never rejects.
 */
export async function handleEmulatorRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  state: EmulatorState,
): Promise<void> {
  const { options } = state;
  const started = Date.now();
  const id = randomUUID();
  const url = new URL(request.url ?? '/', 'http://emulator');
  const method = request.method ?? 'GET';
  const received: ReceivedRequest = { id, method, route: url.pathname, status: '', media: [] };
  const headers = { 'apim-request-id': id, 'x-request-id': id };
  state.stats.requests += 1;
  try {
    const isChat = CHAT_ROUTE.test(url.pathname);
    const isInfo = INFO_ROUTE.test(url.pathname);
    if ((!isChat && !isInfo) || (isChat && method !== 'POST') || (isInfo && method !== 'GET'))
      throw notFound();
    const apiKey = request.headers['api-key'];
    if (typeof apiKey === 'string' && options.keysWithoutRole?.includes(apiKey) === true) {
      throw permissionDenied();
    }
    const credentialPolicy = { key: options.key, expectedAudience: options.expectedAudience };
    if (!checkCredential(request.headers, credentialPolicy)) {
      throw new ServiceResponseError(401, UNAUTHORIZED_BODY);
    }
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) throw missingApiVersion();
    if (options.apiVersions !== undefined && !options.apiVersions.includes(apiVersion)) {
      throw apiVersionNotSupported();
    }
    const deployment = DEPLOYMENT_ROUTE.exec(url.pathname)?.[1];
    if (deployment !== undefined && options.deployments?.includes(decodeURIComponent(deployment)) === false) {
      throw deploymentNotFound();
    }
    if (isInfo) {
      received.status = '200';
      const { profile } = state;
      sendJson(
        response,
        200,
        { model_name: profile.model, model_type: 'chat-completion', model_provider_name: profile.provider },
        headers,
      );
    } else {
      await handleChatCompletion(request, response, received, headers, state);
    }
  } catch (error) {
    const failure = error instanceof ServiceResponseError ? error : internalServerError();
    if (!(error instanceof ServiceResponseError)) {
      options.log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    received.status = String(failure.status);
    const extra = received.route.endsWith('/chat/completions') ? state.limits.headers() : {};
    if (!response.headersSent && !response.destroyed) {
      sendJson(response, failure.status, failure.body, { ...headers, ...extra, ...failure.headers });
    }
  }
  if (received.status !== '') recordRequest(state.stats, received, started, options.log);
}
