import type { MediaInfo } from '../media/MediaInfo';
import type { CompletionResult } from '../completion/CompletionResult';
import type { SentMedia } from '../completion/SentMedia';

/**
 * The documents the pipeline writes, version 1. Published as JSON Schema in `schemas/`; a change that breaks
 * readers must bump `schemaVersion`.
 */
export interface SourceInfo {
  container: string;
  name: string;
  etag: string;
  contentType: string | null;
  size: number;
  /** Hex SHA-256 of the bytes sent; absent when the blob was rejected before download. */
  sha256?: string;
}

/**
 * What a completion records ({@link CompletionResult}'s fields, as documented there), for the one media item of
 * the document.
 */
export interface ResultDocument extends Pick<
  CompletionResult,
  | 'request'
  | 'model'
  | 'completion'
  | 'refusal'
  | 'finishReason'
  | 'filteredCategories'
  | 'usage'
  | 'requestId'
  | 'attempts'
  | 'analyzer'
  | 'output'
> {
  schemaVersion: 1;
  status: 'succeeded';
  source: SourceInfo & { sha256: string };
  /** The media as stored (original dimensions). */
  media: MediaInfo;
  /** The media as sent to the model (dimensions after any downscaling). */
  sent: SentMedia;
  timings: { downloadMs: number; modelMs: number; totalMs: number };
  createdAt: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
  /** Model attempts (0 when the input was rejected before any call; deliveries for poison blobs). */
  attempts: number;
  httpStatus?: number;
  /** `output_invalid` / `output_truncated`: the validator's first errors. */
  validationErrors?: string[];
  /** `output_invalid` / `output_truncated`: the model's text, cut at 2,000 characters. */
  completion?: string;
}

export interface ErrorDocument {
  schemaVersion: 1;
  status: 'failed';
  source: SourceInfo;
  error: ErrorInfo;
  createdAt: string;
}

export type OutcomeDocument = ResultDocument | ErrorDocument;
