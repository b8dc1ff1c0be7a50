import { audioTokens } from '../core/tokens/audioTokens';
import { imageTokens } from '../core/tokens/imageTokens';
import { textTokens } from '../core/tokens/textTokens';
import type { ParsedChatRequest } from './ParsedChatRequest';
import { describeMedia } from './describeMedia';
import type { FaultKind } from './FaultKind';
import type { ModelProfile } from './modelProfiles';
import type { ReceivedMedia } from './ReceivedMedia';
import { structuredContent } from './structuredContent';

export interface ChatAnswer {
  content: string;
  finishReason: 'stop' | 'length';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const PROMPT_WORDS = 8;
/** An image given by URL is not fetched, so its size is unknown: it is counted as a 1024×1024 image. */
const UNKNOWN_IMAGE_SIDE = 1024;

/**
 * Prompt tokens by the published formulas: text by characters, images by tiles, audio by seconds; a
 * `json_schema` response format counts its schema as prompt text (the service puts it into the prompt).
 */
export function promptTokens(request: ParsedChatRequest, profile: ModelProfile): number {
  const format = request.responseFormat;
  const schemaTokens = format.type === 'json_schema' ? textTokens(JSON.stringify(format.schema)) : 0;
  return request.media.reduce(
    (total, item) => total + mediaTokens(item, profile),
    textTokens(request.allText) + schemaTokens,
  );
}

function mediaTokens(item: ReceivedMedia, profile: ModelProfile): number {
  const { info } = item;
  if (info?.kind === 'audio') return audioTokens(info.durationSeconds);
  if (item.kind === 'audio') return 0;
  const width = info?.kind === 'image' ? info.width : UNKNOWN_IMAGE_SIDE;
  const height = info?.kind === 'image' ? info.height : UNKNOWN_IMAGE_SIDE;
  return imageTokens(width, height, item.detail, {
    baseTokens: profile.imageBaseTokens,
    tileTokens: profile.imageTileTokens,
  });
}

/**
 * The deterministic answer: marked as the emulator's, it describes every media item (so a reader can see the
 * bytes arrived intact) and quotes the prompt's first words; for a JSON `response_format` it is JSON instead
 * ({@link structuredContent}). `max_tokens` cuts it with finish reason `length`. The answer faults change it:
 * `invalid-json` answers prose, `schema-mismatch` JSON of the wrong type, `truncated` half the answer, cut.
 */
export function answerChatRequest(
  request: ParsedChatRequest,
  profile: ModelProfile,
  fault: FaultKind = 'ok',
): ChatAnswer {
  const words = request.promptText.split(/\s+/).filter((word) => word.length > 0);
  const quoted = words.slice(0, PROMPT_WORDS).join(' ') + (words.length > PROMPT_WORDS ? ' …' : '');
  const media =
    request.media.length === 0
      ? 'no media'
      : `${request.media.length} media item${request.media.length === 1 ? '' : 's'}: ${request.media.map(describeMedia).join('; ')}`;
  const text = `[emulator] Received ${media}. Prompt: "${quoted}".`;
  const json =
    fault === 'invalid-json' ? undefined : structuredContent(request, text, fault === 'schema-mismatch');
  const full = json ?? (fault === 'invalid-json' ? `Sure! ${text}` : text);
  const limit = fault === 'truncated' ? Math.floor(full.length / 2) : (request.maxTokens ?? Infinity) * 4;
  const cut = full.length > limit;
  const content = cut ? full.slice(0, limit) : full;
  const prompt = promptTokens(request, profile);
  const completion = textTokens(content);
  return {
    content,
    finishReason: cut ? 'length' : 'stop',
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
