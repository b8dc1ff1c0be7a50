import { buildChatRequest, type MediaItem } from './buildChatRequest';
import type { CompletionOverrides } from './CompletionOverrides';
import { MediaCompletionsError } from './errors';
import type { ImageUrlInput } from './ImageUrlInput';
import { downscaleForModel } from './media/downscaleForModel';
import { inspectMedia } from './media/inspectMedia';
import type { MediaInfo } from './media/MediaInfo';
import type { PipelineSettings } from './PipelineSettings';
import type { ImageResizer } from './ports/ImageResizer';
import type { ChatRequest } from './ports/ModelGateway';
import type { RequestSummary } from './RequestSummary';
import { resolveRequestSummary } from './resolveRequestSummary';
import type { SentMedia } from './SentMedia';

export interface MediaInput {
  bytes: Uint8Array;
  /** Already inspected; otherwise the bytes are inspected here. */
  info?: MediaInfo;
}

export interface CompleteInput {
  /** Inline media, or (HTTP only) https images the service fetches itself. */
  media: readonly (MediaInput | ImageUrlInput)[];
  overrides?: CompletionOverrides;
}

export interface PrepareCompletionDeps {
  settings: PipelineSettings;
  images?: ImageResizer;
}

export interface PreparedCompletion {
  /** The inline media as given, in order; URL images are never fetched, so they have no entry. */
  media: MediaInfo[];
  /** The inline media as sent (after any downscaling), one per entry of `media`. */
  sent: SentMedia[];
  summary: RequestSummary;
  request: ChatRequest;
}

/**
 * Everything before the model call, shared by plain and streamed completions: checks sizes and counts, detects
 * each inline item's type from its bytes, validates the overrides, downscales images when enabled and builds
 * the chat request.
 */
export async function prepareCompletion(
  deps: PrepareCompletionDeps,
  input: CompleteInput,
): Promise<PreparedCompletion> {
  const { settings } = deps;
  const items = input.media.map((item) => (isImageUrl(item) ? item : inspectItem(item, settings.maxBytes)));
  checkCounts(items, settings);
  const kinds = items.map((item) => (isImageUrl(item) ? { kind: 'image' as const } : item.info));
  const summary = resolveRequestSummary(settings, kinds, input.overrides);
  const images = settings.downscaleImages ? deps.images : undefined;
  const detail = summary.detail ?? 'auto';
  const prepared = await Promise.all(
    items.map(async (item) =>
      isImageUrl(item) ? { item, sent: undefined } : downscaleForModel(item, { images, detail }),
    ),
  );
  const inline = items.filter((item): item is MediaItem => !isImageUrl(item));
  return {
    media: inline.map((item) => item.info),
    sent: prepared.flatMap((entry) => (entry.sent === undefined ? [] : [entry.sent])),
    summary,
    request: buildChatRequest(
      prepared.map((entry) => entry.item),
      summary,
    ),
  };
}

function isImageUrl(item: MediaInput | ImageUrlInput | MediaItem): item is ImageUrlInput {
  return 'url' in item;
}

function inspectItem(item: MediaInput, maxBytes: number): MediaItem {
  if (item.bytes.length > maxBytes) {
    throw new MediaCompletionsError(
      'too_large',
      `The file is ${item.bytes.length} bytes; the limit is ${maxBytes} bytes.`,
      { retryable: false },
    );
  }
  return { bytes: item.bytes, info: item.info ?? inspectMedia(item.bytes) };
}

function checkCounts(media: readonly (MediaItem | ImageUrlInput)[], settings: PipelineSettings): void {
  if (media.length === 0) {
    throw new MediaCompletionsError('no_media', 'No image or audio was given.', { retryable: false });
  }
  const images = media.filter((item) => isImageUrl(item) || item.info.kind === 'image').length;
  if (images > settings.maxImagesPerRequest) {
    throw new MediaCompletionsError(
      'too_many_images',
      `${images} images in one request; the model accepts at most ${settings.maxImagesPerRequest}.`,
      { retryable: false },
    );
  }
  if (media.length - images > 1) {
    throw new MediaCompletionsError('too_many_audio', 'At most one audio clip per request.', {
      retryable: false,
    });
  }
}
