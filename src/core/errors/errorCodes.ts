import type { ErrorClass } from './MediaCompletionsError';

/** What one error code means to every entry point. */
export interface ErrorCodeInfo {
  /** Whose fault it is (see ErrorClass): decides retrying, rethrowing and recording. */
  readonly errorClass: ErrorClass;
  /** True when an error document with this code ends the input for good: a re-run skips it. */
  readonly settles: boolean;
  /** The status of an HTTP answer carrying this code (configuration faults answer 502 `model_configuration`). */
  readonly httpStatus: number;
  /** Sent as `Retry-After` with the answer, in seconds (a model's own hint wins for `rate_limited`). */
  readonly retryAfterSeconds?: number;
  /** Replaces the internal message in an HTTP answer. */
  readonly publicMessage?: string;
}

const input = (httpStatus: number): ErrorCodeInfo => ({ errorClass: 'input', settles: true, httpStatus });
const transient = (httpStatus: number, extra: Partial<ErrorCodeInfo> = {}): ErrorCodeInfo => ({
  errorClass: 'transient',
  settles: false,
  httpStatus,
  ...extra,
});
const configuration: ErrorCodeInfo = { errorClass: 'configuration', settles: false, httpStatus: 502 };

/**
 * The project's error codes (like storage-blob's `KnownStorageErrorCode`), each with its class, whether it
 * settles an input and its HTTP status: the one failure policy every entry point follows (the outcome table in
 * docs/architecture.md says what each does). A model's input error keeps the service's own code (e.g.
 * `content_filter`) and answers 422 (its 413 and 415 kept): see `httpStatusFor`. The class an error carries
 * decides over its code's usual class here (e.g. `storage_error` is retryable only for 408, 429 and 5xx).
 */
export const ERROR_CODES = {
  // The caller's request (HTTP and batch API).
  invalid_json: input(400),
  invalid_form: input(400),
  invalid_request: input(400),
  invalid_option: input(400),
  invalid_base64: input(400),
  invalid_url: input(400),
  missing_prompt: input(400),
  no_media: input(400),
  too_many_parts: input(400),
  url_not_allowed: input(400),
  blob_not_allowed: input(400),
  blob_not_found: input(400),
  invalid_blob_name: input(400),
  save_unsupported: input(400),
  invalid_batch_request: input(400),
  duplicate_custom_id: input(400),
  request_too_large: input(413),
  unsupported_content_type: input(415),
  // The file or its overrides (also recorded in error documents).
  empty_blob: input(400),
  invalid_override: input(400),
  model_not_allowed: input(400),
  too_large: input(413),
  media_too_large_pixels: input(413),
  unsupported_media_type: input(415),
  invalid_media: input(415),
  conversion_timeout: input(422),
  too_many_images: input(422),
  too_many_audio: input(422),
  content_filter: input(422),
  // Analyzers: an unknown name or ad-hoc schema (HTTP, batch API), a media kind the analyzer does not take.
  unknown_analyzer: input(400),
  invalid_output_schema: input(400),
  media_not_accepted: input(415),
  // A structured output the model could not give: cut at the token limit, or not valid against the schema
  // after one more try.
  output_truncated: input(422),
  output_invalid: input(502),
  // Batch steps: a message or manifest that can never succeed is dropped or recorded, never retried.
  invalid_manifest: input(400),
  invalid_message: input(400),
  batch_not_found: input(404),
  batch_cancelled: input(409),
  // The model answered what we cannot use, the call failed unexpectedly, or the deployment lacks ffmpeg:
  // recorded like an input error (not retried), answered as an upstream failure.
  invalid_model_response: input(502),
  model_call_failed: input(502),
  audio_converter_unavailable: input(502),
  // The service, the network or storage: retried in the run, then by the host; never settles.
  rate_limited: transient(429, { retryAfterSeconds: 10 }),
  timeout: transient(504),
  model_unavailable: transient(502),
  network_error: transient(502),
  retries_exhausted: transient(502),
  storage_error: transient(503, {
    retryAfterSeconds: 5,
    publicMessage: 'Storage is temporarily unavailable; try again.',
  }),
  write_conflict: transient(503, { retryAfterSeconds: 5 }),
  in_progress: transient(503, { retryAfterSeconds: 5 }),
  source_changed: transient(503, { retryAfterSeconds: 5 }),
  source_not_found: transient(502),
  // Our configuration: never retried within a run, never settles, stops model calls for a while.
  unauthorized: configuration,
  forbidden: configuration,
  not_found: configuration,
  deployment_not_found: configuration,
  api_version_not_supported: configuration,
  unsupported_parameter: configuration,
  media_not_supported_by_model: configuration,
  output_schema_refused: configuration,
  credential_unavailable: configuration,
  invalid_config: configuration,
} as const satisfies Record<string, ErrorCodeInfo>;

export type KnownErrorCode = keyof typeof ERROR_CODES;

/** The entry for `code`, or undefined for a code the model service chose (e.g. `content_policy_violation`). */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as KnownErrorCode] : undefined;
}
