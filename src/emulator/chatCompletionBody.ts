import type { ChatAnswer } from './answerChatRequest';
import type { CompletionIdentity } from './CompletionIdentity';
import { SAFE_FILTER_RESULTS } from './serviceErrors';

/** The non-streamed `chat.completion` answer body, with Azure's content filter results and the usage. */
export function chatCompletionBody(
  identity: CompletionIdentity,
  answer: ChatAnswer,
): Record<string, unknown> {
  return {
    ...identity,
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
  };
}
