import { audioTokens } from '../core/tokens/audioTokens';
import { imageTokens } from '../core/tokens/imageTokens';
import { textTokens } from '../core/tokens/textTokens';
import type { ParsedChatRequest } from './ParsedChatRequest';
import { describeMedia } from './describeMedia';
import type { ModelProfile } from './modelProfiles';
import type { ReceivedMedia } from './ReceivedMedia';

export interface ChatAnswer {
  content: string;
  finishReason: 'stop' | 'length';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const PROMPT_WORDS = 8;
/** An image given by URL is not fetched, so its size is unknown: it is counted as a 1024×1024 image. */
const UNKNOWN_IMAGE_SIDE = 1024;

/** Prompt tokens by the published formulas: text by characters, images by tiles, audio by seconds. */
export function promptTokens(request: ParsedChatRequest, profile: ModelProfile): number {
  return request.media.reduce(
    (total, item) => total + mediaTokens(item, profile),
    textTokens(request.allText),
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
 * bytes arrived intact) and quotes the prompt's first words; `max_tokens` cuts it with finish reason `length`.
 */
export function answerChatRequest(request: ParsedChatRequest, profile: ModelProfile): ChatAnswer {
  const words = request.promptText.split(/\s+/).filter((word) => word.length > 0);
  const quoted = words.slice(0, PROMPT_WORDS).join(' ') + (words.length > PROMPT_WORDS ? ' …' : '');
  const media =
    request.media.length === 0
      ? 'no media'
      : `${request.media.length} media item${request.media.length === 1 ? '' : 's'}: ${request.media.map(describeMedia).join('; ')}`;
  const full = `[emulator] Received ${media}. Prompt: "${quoted}".`;
  const fullTokens = textTokens(full);
  const cut = request.maxTokens !== undefined && request.maxTokens < fullTokens;
  const content = cut ? full.slice(0, (request.maxTokens ?? 0) * 4) : full;
  const prompt = promptTokens(request, profile);
  const completion = textTokens(content);
  return {
    content,
    finishReason: cut ? 'length' : 'stop',
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
