import type { Analyzers } from '../analyzers/Analyzers';
import type { AnimatedImagePolicy } from '../media/prepareImageForModel';
import type { ImageDetail } from './ImageDetail';
import type { TokenLimitSetting } from '../retry/TokenLimitParameter';

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout. */
  attemptTimeoutMs: number;
  /** Wall-clock budget for all attempts and waits; kept below the function timeout. */
  totalBudgetMs: number;
  /**
   * `MEDIA_CONFIGURATION_BACKOFF_MS`: after a configuration fault (401, 403, missing deployment, ...), how long
   * the process makes no model call at all (see ModelCircuitBreaker).
   */
  configurationBackoffMs: number;
}

export interface ImageDecodeSettings {
  /** `MEDIA_DECODE_MEMORY_MB`, in bytes: the most memory image decoding may hold at once on an instance. */
  memoryBytes: number;
  /** `MEDIA_DECODE_CONCURRENCY`: the most images decoded at once. */
  concurrency: number;
}

/** The validated settings the core runs with (built by `src/config.ts` from app settings). */
export interface PipelineSettings {
  inputContainer: string;
  outputContainer: string;
  /** `AZURE_INFERENCE_MODEL`; `undefined` sends no `model` (deployment endpoints). */
  defaultModel: string | undefined;
  /** `AZURE_INFERENCE_AUDIO_MODEL` (default `AZURE_INFERENCE_MODEL`): the model for requests with audio. */
  audioModel: string | undefined;
  /** `MEDIA_ANALYZERS` or its file; `undefined` when none are configured (the settings alone then decide). */
  analyzers?: Analyzers | undefined;
  /** Models a per-blob or per-request `model` override may name. */
  allowedModels: readonly string[];
  /** `AZURE_INFERENCE_API_VERSION`; `undefined` picks one per request (audio needs a newer one). */
  apiVersion: string | undefined;
  systemPrompt: string;
  imagePrompt: string;
  audioPrompt: string;
  imageDetail: ImageDetail;
  maxTokens: number;
  /** `MEDIA_MAX_TOKENS_PARAMETER`: the field `maxTokens` is sent as, or `auto` to learn it from the model. */
  maxTokensParameter: TokenLimitSetting;
  /** Highest `max_tokens` an override may ask for. */
  maxTokensCap: number;
  /** Longest `prompt` or `system` an override may give. */
  maxPromptChars: number;
  maxBytes: number;
  maxImagesPerRequest: number;
  /** `MEDIA_DOWNSCALE`: scale images down to what the model uses before sending them. */
  downscaleImages: boolean;
  /**
   * `MEDIA_AUDIO_COMPACT`: resample WAV above 24 kHz to 24 kHz (the GPT-4o Realtime API's rate) before sending:
   * fewer bytes for the same `prompt_tokens` (audio is billed by duration). Channels are always kept.
   */
  compactAudio: boolean;
  /** `MEDIA_ANIMATED_IMAGES`: send an animated GIF or WEBP as its first frame, or refuse it. */
  animatedImages: AnimatedImagePolicy;
  /** Limits on decoding images, per instance (the converter is built with them). */
  imageDecode: ImageDecodeSettings;
  retry: RetrySettings;
  /**
   * `MEDIA_CLAIM_MARGIN_MS`: a claim on an output lives for the retry budget plus this (download, preparation,
   * writes), so that it outlasts a slow run yet frees the output soon after a crashed one.
   */
  claimMarginMs: number;
}
