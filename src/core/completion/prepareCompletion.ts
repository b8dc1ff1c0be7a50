import type { Analyzer, AnalyzerOutput } from '../analyzers/Analyzer';
import { buildChatRequest, type MediaItem } from './buildChatRequest';
import type { CompletionOverrides } from './CompletionOverrides';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { ImageUrlInput } from './ImageUrlInput';
import { detectAudioContainer } from '../media/detectAudioContainer';
import { inspectMedia } from '../media/inspectMedia';
import type { MediaInfo } from '../media/MediaInfo';
import { prepareAudioForModel, type StoredAudio } from '../media/prepareAudioForModel';
import { prepareImageForModel, type PrepareImageOptions } from '../media/prepareImageForModel';
import type { PipelineSettings } from './PipelineSettings';
import type { AudioConverter } from '../ports/AudioConverter';
import type { ImageConverter } from '../ports/ImageConverter';
import type { ChatRequest } from '../ports/ModelGateway';
import type { RequestSummary } from './RequestSummary';
import { resolveRequestSummary } from './resolveRequestSummary';
import type { SentMedia } from './SentMedia';

export interface MediaInput {
  bytes: Uint8Array;
  /** Already inspected; otherwise the bytes are inspected here. */
  info?: MediaInfo;
}

export interface CompleteMediaInput {
  /** Inline media, or (HTTP only) https images the service fetches itself. */
  media: readonly (MediaInput | ImageUrlInput)[];
  overrides?: CompletionOverrides;
  /** The analyzer chosen for this input (its `media`, prompts, model and output); absent: the settings alone. */
  analyzer?: Analyzer | undefined;
  /** An ad-hoc structured output (HTTP); replaces the analyzer's. */
  output?: AnalyzerOutput | undefined;
}

export interface PrepareCompletionDeps {
  settings: PipelineSettings;
  /** Absent: only PNG, JPEG, WEBP and still GIF that need no conversion are accepted. */
  images?: ImageConverter;
  /** Absent: only WAV and MP3 that need no decoding are accepted. */
  audio?: AudioConverter;
}

export interface PreparedCompletion {
  /** The inline media as stored (images upright), in order; URL images are never fetched: no entry. */
  media: MediaInfo[];
  /** The inline media as sent (after any downscaling or conversion), one per entry of `media`. */
  sent: SentMedia[];
  summary: RequestSummary;
  request: ChatRequest;
}

/**
 * Everything before the model call, shared by plain and streamed completions: checks sizes and counts, detects
 * each inline item's type from its bytes, validates the overrides, converts images and audio to what the service
 * accepts (and downscales images when enabled) and builds the chat request.
 */
export async function prepareCompletion(
  deps: PrepareCompletionDeps,
  input: CompleteMediaInput,
): Promise<PreparedCompletion> {
  const { settings } = deps;
  const items = input.media.map((item) => (isImageUrl(item) ? item : inspectItem(item, settings.maxBytes)));
  checkCounts(items, settings);
  const kinds = items.map((item) => ({ kind: kindOf(item) }));
  const { analyzer } = input;
  const refused = kinds.find((item) => analyzer?.media?.includes(item.kind) === false);
  if (analyzer !== undefined && refused !== undefined) {
    throw new MediaCompletionsError(
      'media_not_accepted',
      `Analyzer "${analyzer.name}" accepts ${analyzer.media?.join(' and ') ?? ''} only; this is ${refused.kind}.`,
    );
  }
  const output = input.output ?? analyzer?.output;
  const summary = resolveRequestSummary(settings, kinds, input.overrides, analyzer, output !== undefined);
  const images: PrepareImageOptions = {
    images: deps.images,
    downscale: settings.downscaleImages,
    detail: summary.detail ?? 'auto',
    animated: settings.animatedImages,
  };
  const audio = { audio: deps.audio, compact: settings.compactAudio };
  const prepared = await Promise.all(
    items.map(async (item) => {
      if (isImageUrl(item)) return { item, sent: undefined, media: undefined };
      if (isStoredAudio(item)) return prepareAudioForModel(item, audio);
      if (item.info.kind !== 'image') throw new TypeError('An inspected item is neither image nor audio.');
      return prepareImageForModel({ bytes: item.bytes, info: item.info }, images);
    }),
  );
  return {
    media: prepared.flatMap((entry) => (entry.media === undefined ? [] : [entry.media])),
    sent: prepared.flatMap((entry) => (entry.sent === undefined ? [] : [entry.sent])),
    summary,
    request: {
      ...buildChatRequest(
        prepared.map((entry) => entry.item),
        summary,
      ),
      ...(output === undefined ? {} : { output }),
      ...(input.output === undefined ? {} : { adHocOutput: true }),
    },
  };
}

/** An inline item once its type is known: inspected, or an audio container that only decoding describes. */
type InspectedItem = MediaItem | StoredAudio;

function isImageUrl(item: MediaInput | ImageUrlInput | InspectedItem): item is ImageUrlInput {
  return 'url' in item;
}

function isStoredAudio(item: InspectedItem): item is StoredAudio {
  return 'container' in item || item.info.kind === 'audio';
}

function kindOf(item: InspectedItem | ImageUrlInput): 'image' | 'audio' {
  if (isImageUrl(item)) return 'image';
  return 'container' in item ? 'audio' : item.info.kind;
}

function inspectItem(item: MediaInput, maxBytes: number): InspectedItem {
  if (item.bytes.length > maxBytes) {
    throw new MediaCompletionsError(
      'too_large',
      `The file is ${item.bytes.length} bytes; the limit is ${maxBytes} bytes.`,
      { retryable: false },
    );
  }
  if (item.info !== undefined) return { bytes: item.bytes, info: item.info };
  const container = detectAudioContainer(item.bytes);
  return container === undefined
    ? { bytes: item.bytes, info: inspectMedia(item.bytes) }
    : { bytes: item.bytes, container };
}

function checkCounts(media: readonly (InspectedItem | ImageUrlInput)[], settings: PipelineSettings): void {
  if (media.length === 0) {
    throw new MediaCompletionsError('no_media', 'No image or audio was given.', { retryable: false });
  }
  const images = media.filter((item) => kindOf(item) === 'image').length;
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
