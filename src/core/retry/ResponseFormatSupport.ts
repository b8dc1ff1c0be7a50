import type { ModelResponse } from '../ports/ModelGateway';
import { isSchemaRefusal } from './isSchemaRefusal';
import { readErrorBody } from './modelErrorFromResponse';

/** How a structured output is asked for: with its schema, or as plain JSON mode with the schema in the prompt. */
export type ResponseFormatType = 'json_schema' | 'json_object';

/**
 * How a model says it takes no `json_schema` response format, e.g. Azure OpenAI's "Invalid parameter:
 * 'response_format' of type 'json_schema' is not supported with this model." A refused schema ("Invalid schema
 * for response_format …") is not this: the schema is at fault, not the model.
 */
const ABOUT_FORMAT = /response_format|json_schema|structured output/i;
const NOT_SUPPORTED = /not supported|unsupported|does not support|only supported|not available/i;

/**
 * Which response format each model takes, learnt once per process and model. Every request with an output
 * starts as `json_schema`; a model that answers 400 (or 422) about `response_format` is asked with
 * `json_object` from then on, by every invocation of the process, and the refused call is sent again at once
 * (like TokenLimitParameter, the refusal is not counted as a failure of the model).
 */
export class ResponseFormatSupport {
  private readonly jsonObjectOnly = new Set<string>();

  typeFor(model: string | undefined): ResponseFormatType {
    return this.jsonObjectOnly.has(model ?? '') ? 'json_object' : 'json_schema';
  }

  /**
   * `response` answered a request sent with `sent` to `model`. Returns true when it refused the `json_schema`
   * response format: the model is then asked with `json_object`, and the caller sends the request again.
   */
  learn(model: string | undefined, sent: ResponseFormatType, response: ModelResponse): boolean {
    if (sent !== 'json_schema' || (response.status !== 400 && response.status !== 422)) return false;
    const detail = readErrorBody(response.body);
    if (isSchemaRefusal(response.status, detail)) return false;
    const message = detail.message ?? '';
    const about = detail.param === 'response_format' || ABOUT_FORMAT.test(message);
    if (!about || !NOT_SUPPORTED.test(`${detail.code ?? ''} ${message}`)) return false;
    this.jsonObjectOnly.add(model ?? '');
    return true;
  }
}
