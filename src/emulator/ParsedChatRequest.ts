import type { ReceivedMedia } from './ReceivedMedia';
import type { ResponseFormat } from './ResponseFormat';

/** A validated chat completions request, reduced to what the emulator answers from. */
export interface ParsedChatRequest {
  media: ReceivedMedia[];
  /** The text parts of user messages, joined: the prompt the answer quotes. */
  promptText: string;
  /** All text of all messages, joined, for the prompt token estimate. */
  allText: string;
  maxTokens: number | undefined;
  stream: boolean;
  includeUsage: boolean;
  /** `text` when the request has none. */
  responseFormat: ResponseFormat;
}
