import type http from 'node:http';
import type { ChatAnswer } from './answerChatRequest';
import type { CompletionIdentity } from './CompletionIdentity';
import { SAFE_FILTER_RESULTS } from './serviceErrors';

/** Characters per streamed chunk. */
const STREAM_CHUNK = 24;

/**
 * Streams `answer` as server-sent `chat.completion.chunk` events the way Azure does: prompt filter results, the
 * role, the content in chunks, the finish reason, the usage when `stream_options.include_usage` asked, `[DONE]`.
 */
export function sendChatStream(
  response: http.ServerResponse,
  headers: Record<string, string>,
  identity: CompletionIdentity,
  answer: ChatAnswer,
  includeUsage: boolean,
): void {
  response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
    const event = {
      ...identity,
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
