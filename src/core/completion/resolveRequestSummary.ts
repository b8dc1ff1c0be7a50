import type { Analyzer } from '../analyzers/Analyzer';
import { codePointLength } from './codePointLength';
import type { CompletionOverrides } from './CompletionOverrides';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { MediaInfo } from '../media/MediaInfo';
import type { PipelineSettings } from './PipelineSettings';
import type { ImageDetail } from './ImageDetail';
import type { RequestSummary } from './RequestSummary';

/** The SDK's default version; audio input needs the newer one, and so does `json_schema` (2024-08-01 on). */
export const IMAGE_API_VERSION = '2024-05-01-preview';
export const AUDIO_API_VERSION = '2025-01-01-preview';

const DETAILS: readonly string[] = ['auto', 'low', 'high'];

/**
 * Overrides, then the analyzer's fields, then the settings. Overrides are user input: a bad value is a permanent
 * `invalid_override` error naming the field, and a model outside the allowlist is `model_not_allowed`. Requests
 * with audio go to the audio model (`AZURE_INFERENCE_AUDIO_MODEL`) unless the analyzer or an override names one.
 * A `structuredOutput` needs an api-version that takes `json_schema` when none is configured.
 */
export function resolveRequestSummary(
  settings: PipelineSettings,
  media: readonly Pick<MediaInfo, 'kind'>[],
  overrides: CompletionOverrides = {},
  analyzer?: Analyzer,
  structuredOutput = false,
): RequestSummary {
  const hasImage = media.some((item) => item.kind === 'image');
  const hasAudio = media.some((item) => item.kind === 'audio');
  const prompt = text('prompt', overrides.prompt, settings.maxPromptChars);
  const system = text('system', overrides.system, settings.maxPromptChars);
  return {
    model:
      model(settings, overrides.model) ?? analyzerModel(analyzer, hasAudio) ?? kindModel(settings, hasAudio),
    systemPrompt: system ?? analyzer?.system ?? settings.systemPrompt,
    prompt: prompt ?? analyzer?.prompt ?? (hasImage ? settings.imagePrompt : settings.audioPrompt),
    detail: hasImage ? detail(overrides.detail, analyzer?.detail ?? settings.imageDetail) : null,
    maxTokens: maxTokens(overrides.maxTokens, analyzer?.max_tokens ?? settings.maxTokens, settings),
    apiVersion: settings.apiVersion ?? (hasAudio || structuredOutput ? AUDIO_API_VERSION : IMAGE_API_VERSION),
  };
}

function analyzerModel(analyzer: Analyzer | undefined, hasAudio: boolean): string | undefined {
  const configured = analyzer?.model;
  if (configured === undefined || typeof configured === 'string') return configured;
  return hasAudio ? configured.audio : configured.image;
}

function kindModel(settings: PipelineSettings, hasAudio: boolean): string | null {
  return (hasAudio ? settings.audioModel : settings.defaultModel) ?? null;
}

function invalid(field: string, message: string): MediaCompletionsError {
  return new MediaCompletionsError('invalid_override', `Override "${field}": ${message}`, {
    retryable: false,
  });
}

/** Counted in characters (Unicode code points), not UTF-16 units: an emoji is one character, as users count. */
function text(field: string, value: string | undefined, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 0) throw invalid(field, 'must not be empty.');
  // Every code point is one or two UTF-16 units, so only a string over the cap in units needs counting.
  if (trimmed.length > maxChars) {
    const characters = codePointLength(trimmed);
    if (characters > maxChars) {
      throw invalid(field, `is ${characters} characters (Unicode code points); the limit is ${maxChars}.`);
    }
  }
  return trimmed;
}

function detail(value: string | undefined, fallback: ImageDetail): ImageDetail {
  if (value === undefined) return fallback;
  const lower = value.trim().toLowerCase();
  if (!isDetail(lower)) throw invalid('detail', 'must be auto, low or high.');
  return lower;
}

function isDetail(value: string): value is ImageDetail {
  return DETAILS.includes(value);
}

function maxTokens(value: number | string | undefined, fallback: number, settings: PipelineSettings): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw invalid('max_tokens', 'must be a positive integer.');
  if (parsed > settings.maxTokensCap) {
    throw invalid('max_tokens', `${parsed} is above the cap of ${settings.maxTokensCap}.`);
  }
  return parsed;
}

/** The override, checked against the allowlist. */
function model(settings: PipelineSettings, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.trim();
  if (!settings.allowedModels.includes(name)) {
    throw new MediaCompletionsError(
      'model_not_allowed',
      `Model "${name.slice(0, 100)}" is not allowed here.`,
      {
        retryable: false,
      },
    );
  }
  return name;
}
