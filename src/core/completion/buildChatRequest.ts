import type { ImageUrlInput } from './ImageUrlInput';
import type { MediaInfo } from '../media/MediaInfo';
import type { ChatContentPart, ChatRequest } from '../ports/ModelGateway';
import type { RequestSummary } from './RequestSummary';

export interface MediaItem {
  bytes: Uint8Array;
  info: MediaInfo;
}

/** A system message, then one user message: the text part first, then one part per media item. */
export function buildChatRequest(
  media: readonly (MediaItem | ImageUrlInput)[],
  summary: RequestSummary,
): ChatRequest {
  const parts: ChatContentPart[] = [{ type: 'text', text: summary.prompt }];
  const detail = summary.detail ?? 'auto';
  for (const item of media) {
    if ('url' in item) {
      parts.push({ type: 'imageUrl', url: item.url, detail });
      continue;
    }
    const { bytes, info } = item;
    if (info.kind === 'image') {
      parts.push({ type: 'image', bytes, mimeType: info.mimeType, detail });
    } else if (info.format === 'wav' || info.format === 'mp3') {
      parts.push({ type: 'audio', bytes, format: info.format });
    } else {
      throw new TypeError(`${info.format} audio must be converted before it is sent.`);
    }
  }
  return {
    messages: [
      { role: 'system', content: summary.systemPrompt },
      { role: 'user', content: parts },
    ],
    model: summary.model ?? undefined,
    maxTokens: summary.maxTokens,
    apiVersion: summary.apiVersion,
  };
}
