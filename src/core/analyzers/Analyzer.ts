import type { ImageDetail } from '../completion/ImageDetail';
import type { MediaInfo } from '../media/MediaInfo';

/** `image` or `audio`. */
type MediaKind = MediaInfo['kind'];

/** A structured output: the model answers one JSON value valid against `schema` (a JSON Schema object). */
export interface AnalyzerOutput {
  /** `response_format.json_schema.name`: 1-64 letters, digits, `_` or `-`. */
  name: string;
  schema: Readonly<Record<string, unknown>>;
}

/**
 * One processing profile (`MEDIA_ANALYZERS` / `analyzers.json`, validated by `schemas/analyzers.schema.json`).
 * Every field but `name` is optional; an unset one falls back to the app setting it stands for.
 */
export interface Analyzer {
  name: string;
  description?: string;
  /** Blob name prefixes this analyzer takes (the longest matching prefix of all analyzers wins). */
  match: readonly string[];
  /** The media kinds it accepts; unset: both. Another kind is refused with `media_not_accepted`. */
  media?: readonly MediaKind[];
  system?: string;
  prompt?: string;
  detail?: ImageDetail;
  max_tokens?: number;
  /** One model for both kinds, or one per kind (an unset kind keeps the app's model for it). */
  model?: string | { image?: string; audio?: string };
  output?: AnalyzerOutput;
}
