import { createHash } from 'node:crypto';
import type { OutcomeDocument } from '../outputs/documents';

/**
 * One line of results.jsonl or errors.jsonl in the OpenAI / Azure OpenAI Batch output format:
 * `{"id","custom_id","response":{"status_code","request_id","body"},"error"}`. The body of a success is the chat
 * completion rebuilt from the result document (the model's answer, finish reason and usage).
 */
export function batchOutputLine(batchId: string, customId: string, document: OutcomeDocument): string {
  const id = `batch_req_${createHash('sha256').update(`${batchId}\n${customId}`).digest('hex').slice(0, 24)}`;
  if (document.status === 'succeeded') {
    return JSON.stringify({
      id,
      custom_id: customId,
      response: {
        status_code: 200,
        request_id: document.requestId,
        body: {
          id: document.requestId,
          object: 'chat.completion',
          created: Math.floor(Date.parse(document.createdAt) / 1000),
          model: document.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: document.completion },
              finish_reason: document.finishReason,
            },
          ],
          usage: document.usage,
        },
      },
      error: null,
    });
  }
  const { code, message, httpStatus } = document.error;
  return JSON.stringify({
    id,
    custom_id: customId,
    response:
      httpStatus === undefined
        ? null
        : { status_code: httpStatus, request_id: null, body: { error: { code, message } } },
    error: { code, message },
  });
}
