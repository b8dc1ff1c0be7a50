import type http from 'node:http';
import { answerChatRequest, promptTokens } from './answerChatRequest';
import { chatCompletionBody } from './chatCompletionBody';
import type { EmulatorState } from './EmulatorState';
import { faultResponse } from './faultResponse';
import { parseChatRequest } from './parseChatRequest';
import { readRequestBody } from './readRequestBody';
import type { ReceivedRequest } from './ReceivedRequest';
import { sendChatStream } from './sendChatStream';
import { sendJson } from './sendJson';
import { ServiceResponseError } from './ServiceResponseError';
import { summariseMedia } from './summariseMedia';

/**
 * Answers an authenticated chat completions request: the scheduled fault, the latency, validation, the rate
 * limits, then the answer (streamed or not). Fills `received` as it goes; throws a {@link ServiceResponseError}
 * for every refusal. For `reset` / `hang` it sends nothing (a reset destroys the socket).
 */
export async function handleChatCompletion(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  received: ReceivedRequest,
  headers: Record<string, string>,
  state: EmulatorState,
): Promise<void> {
  const { profile } = state;
  state.stats.chatCompletions += 1;
  const fault = state.faults.next();
  if (fault !== 'ok') received.fault = fault;
  if (fault === 'reset' || fault === 'hang') {
    received.status = fault;
    if (fault === 'reset') request.socket.destroy();
    return;
  }
  const raw = await readRequestBody(request);
  const delay = state.nextLatency();
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
  if (state.isClosing()) return;
  const injected = faultResponse(fault, state.faultRetryAfterMs);
  if (injected !== undefined) throw injected;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw ServiceResponseError.badRequest('The request body is not valid JSON.');
  }
  const apiVersion =
    new URL(request.url ?? '/', 'http://emulator').searchParams.get('api-version') ?? undefined;
  const chat = await parseChatRequest(body, profile, apiVersion);
  received.media = chat.media.map(summariseMedia);
  received.stream = chat.stream;
  state.limits.charge(promptTokens(chat, profile) + (chat.maxTokens ?? 0));
  const answer = answerChatRequest(chat, profile, fault);
  received.usage = answer.usage;
  received.status = '200';
  const identity = {
    id: `chatcmpl-${received.id}`,
    created: Math.floor(Date.now() / 1000),
    model: profile.model,
  };
  const allHeaders = { ...headers, ...state.limits.headers() };
  if (chat.stream) {
    sendChatStream(response, allHeaders, identity, answer, chat.includeUsage);
  } else {
    sendJson(response, 200, chatCompletionBody(identity, answer), allHeaders);
  }
}
