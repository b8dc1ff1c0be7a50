import type { ImageDetail } from '../completion/ImageDetail';
import type { AnalyzerOutput } from '../analyzers/Analyzer';
import type { ResponseFormatType } from '../retry/ResponseFormatSupport';
import type { TokenLimitName } from '../retry/TokenLimitParameter';

/**
 * Media parts carry raw bytes: turning them into `data:<mime>;base64,...` or `input_audio.data` is the gateway's
 * job, so that it alone decides how the body is built (and may stream it).
 */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; bytes: Uint8Array; mimeType: string; detail: ImageDetail }
  /** An https image the service fetches itself; we never do (no SSRF). */
  | { type: 'imageUrl'; url: string; detail: ImageDetail }
  | { type: 'audio'; bytes: Uint8Array; format: 'wav' | 'mp3' };

export type ChatMessage =
  { role: 'system'; content: string } | { role: 'user'; content: string | ChatContentPart[] };

export interface ChatRequest {
  messages: ChatMessage[];
  /** Sent as `model` when set (required by multi-model endpoints, ignored by deployment endpoints). */
  model: string | undefined;
  maxTokens: number;
  /** Sent as the `api-version` query parameter. */
  apiVersion: string;
  /** A structured output: sent as `response_format` (see ModelCallOptions.responseFormat). */
  output?: AnalyzerOutput;
  /**
   * True when `output` came with the request (an HTTP ad-hoc schema), not from an analyzer: a schema the service
   * refuses is then the caller's fault (400 `invalid_output_schema`), not the configuration's.
   */
  adHocOutput?: boolean;
}

export interface ModelCallOptions {
  /** The attempt is abandoned after this long and reported as a retryable `timeout`. */
  timeoutMs: number;
  /** The field `maxTokens` is sent as (default `max_tokens`); newer models want `max_completion_tokens`. */
  maxTokensName?: TokenLimitName;
  /**
   * With `output`: `json_schema` (default) sends `{"type": "json_schema", "json_schema": {name, schema, strict:
   * true}}`; `json_object` sends `{"type": "json_object"}` and states the schema in the system message.
   */
  responseFormat?: ResponseFormatType;
}

/** One HTTP exchange, reduced to plain data (the SDK's response object holds the key and the payload). */
export interface ModelResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A streamed attempt: an error status comes with its JSON `body`; a 2xx comes with `chunks`, each server-sent
 * `data:` payload parsed as JSON up to `[DONE]`. The attempt's timeout keeps running while `chunks` is read.
 */
export interface ModelStreamResponse extends ModelResponse {
  chunks: AsyncIterable<unknown> | undefined;
}

/**
 * One attempt at a chat completion, without retries. Answers every HTTP status; throws MediaCompletionsError with
 * `retryable: true` (`timeout`, `network_error`) when there is no HTTP answer at all, or with
 * `errorClass: 'configuration'` (`credential_unavailable`) when the credential cannot get a token.
 */
export interface ModelGateway {
  complete(request: ChatRequest, options: ModelCallOptions): Promise<ModelResponse>;
  /** The same request with `stream: true` and usage in the last chunk; optional so that test fakes can omit it. */
  completeStream?(request: ChatRequest, options: ModelCallOptions): Promise<ModelStreamResponse>;
}
