import type { ImageDetail } from './ImageDetail';

/** What was asked of the model, as recorded in the result document (never the media itself). */
export interface RequestSummary {
  model: string | null;
  systemPrompt: string;
  prompt: string;
  /** `null` for audio. */
  detail: ImageDetail | null;
  maxTokens: number;
  apiVersion: string;
}
