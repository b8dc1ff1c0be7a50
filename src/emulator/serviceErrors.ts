import { ServiceResponseError } from './ServiceResponseError';

/** The service's 401 body, identical for a missing, wrong, expired or wrong-audience credential. */
export const UNAUTHORIZED_BODY = {
  statusCode: 401,
  message:
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
};

const SAFE = { filtered: false, severity: 'safe' };
/** The per-category content filter results Azure OpenAI attaches to prompts and choices. */
export const SAFE_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };

function retryHeaders(retryAfterMs: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(Math.max(0, Math.round(retryAfterMs))),
  };
}

/** Azure's 429: with retry headers when `retryAfterMs` is given, with none at all otherwise. */
export function tooManyRequests(retryAfterMs: number | undefined): ServiceResponseError {
  if (retryAfterMs === undefined) {
    return new ServiceResponseError(429, {
      error: { code: '429', message: 'Requests to this deployment have exceeded the rate limit.' },
    });
  }
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ServiceResponseError(
    429,
    { error: { code: '429', message: `Rate limit is exceeded. Try again in ${seconds} seconds.` } },
    retryHeaders(retryAfterMs),
  );
}

export function internalServerError(): ServiceResponseError {
  return new ServiceResponseError(500, {
    error: {
      code: 'InternalServerError',
      message: 'The server had an error while processing your request. Sorry about that!',
      param: null,
      status: 500,
    },
  });
}

export function serviceUnavailable(retryAfterMs: number): ServiceResponseError {
  return new ServiceResponseError(
    503,
    {
      error: {
        code: 'ServiceUnavailable',
        message: 'The service is temporarily unable to process your request. Please try again later.',
        param: null,
        status: 503,
      },
    },
    retryHeaders(retryAfterMs),
  );
}

export function contentFiltered(): ServiceResponseError {
  return new ServiceResponseError(400, {
    error: {
      code: 'content_filter',
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
      param: 'prompt',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { ...SAFE_FILTER_RESULTS, violence: { filtered: true, severity: 'high' } },
      },
    },
  });
}

export function notFound(): ServiceResponseError {
  return new ServiceResponseError(404, { error: { code: '404', message: 'Resource not found' } });
}

export function missingApiVersion(): ServiceResponseError {
  return ServiceResponseError.badRequest(
    'The api-version query parameter (?api-version=) is required for all requests.',
    'api-version',
    'MissingApiVersionParameter',
  );
}

/** Azure OpenAI's answer while the identity lacks the role (or its assignment has not propagated yet). */
export function permissionDenied(): ServiceResponseError {
  return new ServiceResponseError(403, {
    error: {
      code: 'PermissionDenied',
      message:
        'The principal `00000000-0000-0000-0000-000000000000` lacks the required data action ' +
        '`Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action` to perform ' +
        '`POST /openai/deployments/{deployment-id}/chat/completions` operation.',
    },
  });
}

/** Azure OpenAI's answer for a deployment name that does not exist (yet). */
export function deploymentNotFound(): ServiceResponseError {
  return new ServiceResponseError(404, {
    error: {
      code: 'DeploymentNotFound',
      message:
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 ' +
        'minutes, please wait a moment and try again.',
    },
  });
}

/** The answer for an `api-version` the service does not serve. */
export function apiVersionNotSupported(): ServiceResponseError {
  return new ServiceResponseError(400, {
    error: { code: 'BadRequest', message: 'API version not supported' },
  });
}

/** What newer models (o-series and later) answer to `max_tokens`. */
export function maxTokensUnsupported(): ServiceResponseError {
  return new ServiceResponseError(400, {
    error: {
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'unsupported_parameter',
    },
  });
}

/**
 * What a model without structured outputs (Phi, Llama, the GPT-4o audio previews) answers to
 * `response_format: {"type": "json_schema"}`: 400 in the OpenAI shape, with `param` and `code` null. Sources:
 * langchain-ai/langchain#31490 (an Azure OpenAI deployment), simonw/llm#794 (`gpt-4o-audio-preview`).
 */
export const JSON_SCHEMA_NOT_SUPPORTED_BODY = {
  error: {
    message:
      "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more " +
      'about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
} as const;

/**
 * What the service answers to `json_schema` under an `api-version` older than 2024-08-01-preview (such as the
 * SDK's default 2024-05-01-preview), whatever the model. Source: Microsoft Q&A 2278693 (Azure AI model inference
 * client, Foundry models), langgenius/dify#8994 (Azure OpenAI).
 */
export const JSON_SCHEMA_API_VERSION_BODY = {
  error: {
    code: 'BadRequest',
    message:
      'response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later',
  },
} as const;

export function jsonSchemaNotSupported(): ServiceResponseError {
  return new ServiceResponseError(400, JSON_SCHEMA_NOT_SUPPORTED_BODY);
}

export function jsonSchemaNeedsNewerApiVersion(): ServiceResponseError {
  return new ServiceResponseError(400, JSON_SCHEMA_API_VERSION_BODY);
}

/** JSON mode without the word "json" anywhere in the messages (the service's own guard against endless whitespace). */
export function jsonWordMissing(): ServiceResponseError {
  return new ServiceResponseError(400, {
    error: {
      message:
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: null,
    },
  });
}

/**
 * A `json_schema` the service refuses under strict mode. `context` is the path to the offending schema as the
 * service prints it (`In context=('properties', 'items')`). Source: moeru-ai/xsai#202 (Azure, via a router),
 * dottxt-ai/outlines#844 (an Azure OpenAI gpt-4o deployment).
 */
export function invalidResponseFormatSchema(
  name: string,
  context: readonly string[],
  problem: string,
): ServiceResponseError {
  const path = context.length === 0 ? '()' : `(${context.map((part) => `'${part}'`).join(', ')})`;
  return new ServiceResponseError(400, {
    error: {
      message: `Invalid schema for response_format '${name}': In context=${path}, ${problem}`,
      type: 'invalid_request_error',
      param: 'response_format',
      code: null,
    },
  });
}
