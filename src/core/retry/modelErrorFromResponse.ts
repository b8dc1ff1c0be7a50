import { MediaCompletionsError, type ErrorClass } from '../errors/MediaCompletionsError';
import type { ModelResponse } from '../ports/ModelGateway';
import { isRecord } from '../json/isRecord';
import { isSchemaRefusal } from './isSchemaRefusal';
import { sanitizeServiceMessage as sanitize } from './sanitizeServiceMessage';

const MODEL_CODE = /^[A-Za-z][\w.-]{0,63}$/;

/** What the service said, reduced to its `error.code`, `error.message` and `error.param` (all optional). */
export interface ServiceErrorDetail {
  code?: string;
  message?: string;
  param?: string;
}

interface Classification {
  errorClass: ErrorClass;
  /** Ours; `undefined` keeps the service's own code (e.g. `content_filter`, `DeploymentNotFound`). */
  code?: string;
  /** For configuration faults: what happened and which setting to check, put before the service's message. */
  fix?: string;
}

interface Rule extends Classification {
  applies(status: number, detail: ServiceErrorDetail): boolean;
}

const API_VERSION = /api[- ]?versions?/i;
/** "API version not supported", "Model … is enabled only for api versions 2024-12-01-preview and later". */
const NOT_SUPPORTED = /not supported|unsupported|invalid|does not exist|enabled only for/i;
/** How a model says it does not take a media kind at all (not that one file is bad). */
const MEDIA_NOT_ACCEPTED =
  /does not (accept|support) (image|audio)|image_url is only supported by certain models|audio input is not supported/i;

/**
 * Every non-2xx answer of the model service, classified in one place (first match wins). The configuration
 * rules name the setting to fix, since the same answer will come back for every input until it is fixed.
 * Sources: Azure AI model inference and Azure OpenAI error answers (see the reference notes in docs/).
 */
const RULES: readonly Rule[] = [
  { applies: (s) => s === 429, errorClass: 'transient', code: 'rate_limited' },
  { applies: (s) => s === 408, errorClass: 'transient', code: 'timeout' },
  {
    applies: (s) => s >= 500 && s !== 501 && s !== 505,
    errorClass: 'transient',
    code: 'model_unavailable',
  },
  {
    applies: (s) => s === 401,
    errorClass: 'configuration',
    code: 'unauthorized',
    fix:
      'The model rejected the credential (401): check AZURE_INFERENCE_CREDENTIAL, or with Entra ID the ' +
      "identity's role Cognitive Services User and AZURE_INFERENCE_SCOPE",
  },
  {
    applies: (s) => s === 403,
    errorClass: 'configuration',
    code: 'forbidden',
    fix:
      'The model refused access (403): give the identity the role Cognitive Services User on the AI resource ' +
      '(a new assignment takes about 5 minutes to apply) and check its network rules',
  },
  {
    applies: (s, d) =>
      (s === 400 || s === 404) && API_VERSION.test(d.message ?? '') && NOT_SUPPORTED.test(d.message ?? ''),
    errorClass: 'configuration',
    code: 'api_version_not_supported',
    fix: 'The model does not support the requested api-version: check AZURE_INFERENCE_API_VERSION',
  },
  {
    applies: (s, d) => s === 404 && (d.code === 'DeploymentNotFound' || /deployment/i.test(d.message ?? '')),
    errorClass: 'configuration',
    code: 'deployment_not_found',
    fix:
      'The deployment was not found (404): check AZURE_INFERENCE_ENDPOINT and AZURE_INFERENCE_MODEL ' +
      '(a new deployment can take a few minutes to appear)',
  },
  {
    applies: (s) => s === 404,
    errorClass: 'configuration',
    code: 'not_found',
    fix:
      'The model endpoint answered 404: check AZURE_INFERENCE_ENDPOINT (https://<resource>.services.ai.azure.com/models, ' +
      'or https://<resource>.openai.azure.com/openai/deployments/<deployment>)',
  },
  {
    applies: (s, d) => s === 400 && d.code === 'unsupported_parameter',
    errorClass: 'configuration',
    fix: 'The model refused a request parameter: check MEDIA_MAX_TOKENS_PARAMETER (auto learns the right one)',
  },
  {
    applies: (s, d) => s === 400 && MEDIA_NOT_ACCEPTED.test(d.message ?? ''),
    errorClass: 'configuration',
    code: 'media_not_supported_by_model',
    fix:
      'The model does not accept this kind of media: route it to a deployment that does (AZURE_INFERENCE_MODEL, ' +
      'MEDIA_ALLOWED_MODELS)',
  },
  {
    // A schema strict mode refuses: the same for every input the analyzer takes (an ad-hoc schema of an HTTP
    // request is the caller's instead: see retryModelCall).
    applies: isSchemaRefusal,
    errorClass: 'configuration',
    code: 'output_schema_refused',
    fix:
      "The model service refused an analyzer's output schema: fix its output.schema in MEDIA_ANALYZERS " +
      '(or the file MEDIA_ANALYZERS_FILE names, analyzers.json by default)',
  },
  { applies: (s) => s === 413, errorClass: 'input', code: 'request_too_large' },
  { applies: (s) => s === 415, errorClass: 'input', code: 'unsupported_media_type' },
  { applies: (s) => s === 400 || s === 422, errorClass: 'input', code: 'invalid_request' },
];

/**
 * The error a non-2xx answer means, with its class (transient, input or configuration: see ErrorClass). Input
 * errors keep the service's own code (e.g. `content_filter`) so that callers and error documents can tell them
 * apart; transient and configuration faults get ours. A body that is not a JSON error (an HTML page from a
 * gateway, or nothing) is never relayed: the message names the status and the `apim-request-id` instead.
 */
export function modelErrorFromResponse(response: ModelResponse): MediaCompletionsError {
  const { status } = response;
  const detail = readErrorBody(response.body);
  const rule = RULES.find((candidate) => candidate.applies(status, detail));
  const errorClass = rule?.errorClass ?? 'input';
  const said = detail.message === undefined ? genericMessage(response) : sanitize(detail.message);
  const message = rule?.fix === undefined ? said : `${rule.fix}. The service said: ${said}`;
  const serviceCode = detail.code !== undefined && MODEL_CODE.test(detail.code) ? detail.code : undefined;
  const code =
    errorClass === 'input'
      ? (serviceCode ?? rule?.code ?? `http_${status}`)
      : (rule?.code ?? serviceCode ?? `http_${status}`);
  return new MediaCompletionsError(code, message, {
    errorClass,
    retryable: errorClass !== 'input',
    httpStatus: status,
  });
}

/** `{"error":{code,message,param}}`, Azure's 401 `{statusCode,message}`, or nothing usable. */
export function readErrorBody(body: unknown): ServiceErrorDetail {
  if (!isRecord(body)) return {};
  const error = isRecord(body.error) ? body.error : body;
  return {
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' && error.message.trim() !== '' ? { message: error.message } : {}),
    ...(typeof error.param === 'string' ? { param: error.param } : {}),
  };
}

function genericMessage(response: ModelResponse): string {
  const requestId = response.headers['apim-request-id'] ?? response.headers['x-request-id'];
  return `The model service answered HTTP ${response.status}${requestId === undefined ? '' : ` (apim-request-id ${sanitize(requestId)})`}.`;
}
