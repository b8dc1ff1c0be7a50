import type { MediaInfo } from '../media/MediaInfo';
import type { RequestSummary } from '../completion/RequestSummary';
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

export interface ResultDocument {
  schemaVersion: 1;
  status: 'succeeded';
  source: SourceInfo & { sha256: string };
  /** The media as stored (original dimensions). */
  media: MediaInfo;
  /** The media as sent to the model (dimensions after any downscaling). */
  sent: SentMedia;
  request: RequestSummary;
  model: string | null;
  /** `null` when the model refused or sent no text. */
  completion: string | null;
  /** The model's refusal text, when it declined to answer. */
  refusal?: string;
  finishReason: string | null;
  /** Categories the content filter flagged in the answer (with `finishReason: "content_filter"`). */
  filteredCategories?: string[];
  usage: unknown;
  requestId: string | null;
  /** Model attempts, retries included. */
  attempts: number;
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
}

export interface ErrorDocument {
  schemaVersion: 1;
  status: 'failed';
  source: SourceInfo;
  error: ErrorInfo;
  createdAt: string;
}

export type OutcomeDocument = ResultDocument | ErrorDocument;
