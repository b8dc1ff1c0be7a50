/** What one emulated deployment accepts and how it reports itself. */
export interface ModelProfile {
  /** The name `--model` selects. */
  name: string;
  /** The versioned name responses carry in `model`, as Azure returns it (not the name asked for). */
  model: string;
  /** `model_provider_name` in `GET /info`. */
  provider: string;
  acceptsImages: boolean;
  acceptsAudio: boolean;
  /** Most images one request may carry; a second image to a one-image-per-turn model is an error. */
  maxImagesPerTurn: number;
  /** Image token rates: GPT-4o 85 + 170 per tile; GPT-4o mini 2833 + 5667 per tile. */
  imageBaseTokens: number;
  imageTileTokens: number;
  /** Refuses `max_tokens` with 400 `unsupported_parameter` and takes `max_completion_tokens` (o-series). */
  requiresMaxCompletionTokens?: boolean;
  /**
   * Takes `response_format: {"type": "json_schema"}` (structured outputs). Those that do not answer 400 (the
   * OpenAI-family shape, see `jsonSchemaNotSupported`) and take only `json_object`.
   */
  supportsJsonSchema: boolean;
}

const GPT_4O_RATES = { imageBaseTokens: 85, imageTileTokens: 170 };

/**
 * Built-in profiles. The default, `multimodal`, accepts both images and audio so that the demo can run every
 * kind of media against one emulator; no single Azure OpenAI model does, so choose a real model's profile to
 * test what a given deployment will refuse.
 */
export const MODEL_PROFILES: Readonly<Record<string, ModelProfile>> = {
  multimodal: {
    name: 'multimodal',
    model: 'emulator-multimodal-2024-11-20',
    provider: 'Emulator',
    acceptsImages: true,
    acceptsAudio: true,
    maxImagesPerTurn: 10,
    supportsJsonSchema: true,
    ...GPT_4O_RATES,
  },
  'gpt-4o': {
    name: 'gpt-4o',
    model: 'gpt-4o-2024-11-20',
    provider: 'OpenAI',
    acceptsImages: true,
    acceptsAudio: false,
    maxImagesPerTurn: 10,
    supportsJsonSchema: true,
    ...GPT_4O_RATES,
  },
  'gpt-4o-mini': {
    name: 'gpt-4o-mini',
    model: 'gpt-4o-mini-2024-07-18',
    provider: 'OpenAI',
    acceptsImages: true,
    acceptsAudio: false,
    maxImagesPerTurn: 10,
    supportsJsonSchema: true,
    imageBaseTokens: 2833,
    imageTileTokens: 5667,
  },
  'o4-mini': {
    name: 'o4-mini',
    model: 'o4-mini-2025-04-16',
    provider: 'OpenAI',
    acceptsImages: true,
    acceptsAudio: false,
    maxImagesPerTurn: 10,
    supportsJsonSchema: true,
    requiresMaxCompletionTokens: true,
    ...GPT_4O_RATES,
  },
  'gpt-4o-audio': {
    name: 'gpt-4o-audio',
    model: 'gpt-4o-audio-preview-2024-12-17',
    provider: 'OpenAI',
    acceptsImages: false,
    acceptsAudio: true,
    maxImagesPerTurn: 0,
    supportsJsonSchema: false,
    ...GPT_4O_RATES,
  },
  /** The audio deployment `infra/` creates by default. */
  'gpt-4o-mini-audio': {
    name: 'gpt-4o-mini-audio',
    model: 'gpt-4o-mini-audio-preview-2024-12-17',
    provider: 'OpenAI',
    acceptsImages: false,
    acceptsAudio: true,
    maxImagesPerTurn: 0,
    supportsJsonSchema: false,
    ...GPT_4O_RATES,
  },
  'phi-4-multimodal': {
    name: 'phi-4-multimodal',
    model: 'Phi-4-multimodal-instruct-2025-02-26',
    provider: 'Microsoft',
    acceptsImages: true,
    acceptsAudio: true,
    maxImagesPerTurn: 10,
    supportsJsonSchema: false,
    ...GPT_4O_RATES,
  },
  'llama-3.2-vision': {
    name: 'llama-3.2-vision',
    model: 'Llama-3.2-11B-Vision-Instruct-2024-09-25',
    provider: 'Meta',
    acceptsImages: true,
    acceptsAudio: false,
    maxImagesPerTurn: 1,
    supportsJsonSchema: false,
    ...GPT_4O_RATES,
  },
};

export const DEFAULT_MODEL_PROFILE = 'multimodal';
