import type { GetChatCompletionsBodyParam, ModelClient } from '@azure-rest/ai-inference';
import { createSseStream } from '@azure/core-sse';
import { MediaCompletionsError } from '../core/errors/MediaCompletionsError';
import { sanitizeServiceMessage } from '../core/retry/sanitizeServiceMessage';
import { chatRequestBody } from './chatRequestBody';
import type {
  ChatRequest,
  ModelCallOptions,
  ModelGateway,
  ModelResponse,
  ModelStreamResponse,
} from '../core/ports/ModelGateway';

/**
 * The ModelGateway port on @azure-rest/ai-inference. One call is one HTTP attempt (the client is built with
 * `maxRetries: 0`); the response object is reduced to plain data at once, because it keeps the key and the
 * whole data URL.
 */
export class InferenceModelGateway implements ModelGateway {
  constructor(private readonly client: ModelClient) {}

  async complete(request: ChatRequest, options: ModelCallOptions): Promise<ModelResponse> {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      abort.abort();
    }, options.timeoutMs);
    try {
      // The SDK sends a function body as the stream it returns, calling it again for each of its own retries.
      const body = chatRequestBody(request, {}, options);
      const response = await this.client.pathUnchecked('/chat/completions').post({
        body: body.stream,
        contentType: 'application/json',
        headers: { 'content-length': String(body.length) },
        queryParameters: { 'api-version': request.apiVersion },
        abortSignal: abort.signal,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
      return { status: Number(response.status), headers, body: response.body as unknown };
    } catch (error) {
      throw transportError(error, abort, options.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async completeStream(request: ChatRequest, options: ModelCallOptions): Promise<ModelStreamResponse> {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      abort.abort();
    }, options.timeoutMs);
    let streaming = false;
    try {
      // `stream_options` is not in the SDK's types; Azure OpenAI reads it, other models get it passed through.
      const body = chatRequestBody(
        request,
        { stream: true, stream_options: { include_usage: true } },
        options,
      );
      const response = await this.client
        .path('/chat/completions')
        .post({
          // The typed body is an object; the SDK sends a function body as the stream it returns (see complete).
          body: body.stream as unknown as GetChatCompletionsBodyParam['body'],
          contentType: 'application/json',
          headers: { 'extra-parameters': 'pass-through', 'content-length': String(body.length) },
          queryParameters: { 'api-version': request.apiVersion },
          abortSignal: abort.signal,
        })
        .asNodeStream();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
      const status = Number(response.status);
      const stream = response.body;
      if (stream === undefined) {
        return { status, headers, body: null, chunks: undefined };
      }
      if (status < 200 || status >= 300) {
        return { status, headers, body: parseErrorBody(await readAll(stream)), chunks: undefined };
      }
      streaming = true;
      return { status, headers, body: null, chunks: dataChunks(stream, timer, abort, options.timeoutMs) };
    } catch (error) {
      throw transportError(error, abort, options.timeoutMs);
    } finally {
      if (!streaming) clearTimeout(timer);
    }
  }
}

/** Each `data:` payload as JSON until `[DONE]`; the attempt's timer is cleared when reading ends either way. */
async function* dataChunks(
  stream: NodeJS.ReadableStream & { destroy(error?: Error): void },
  timer: NodeJS.Timeout,
  abort: AbortController,
  timeoutMs: number,
): AsyncGenerator {
  try {
    for await (const event of createSseStream(stream)) {
      if (event.data === '[DONE]') return;
      yield JSON.parse(event.data) as unknown;
    }
  } catch (error) {
    throw transportError(error, abort, timeoutMs);
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
}

/** What @azure/identity throws when no token can be had (no managed identity, not signed in, refused). */
const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

function transportError(error: unknown, abort: AbortController, timeoutMs: number): MediaCompletionsError {
  const credential = credentialError(error);
  if (credential !== undefined) return credential;
  if (abort.signal.aborted) {
    return new MediaCompletionsError('timeout', `The model did not answer within ${timeoutMs} ms.`, {
      retryable: true,
    });
  }
  if (error instanceof SyntaxError) {
    return new MediaCompletionsError('invalid_model_response', 'The model sent a malformed stream event.', {
      retryable: false,
    });
  }
  // No `cause`: the SDK's error holds the request, i.e. the key and the whole data URL.
  return new MediaCompletionsError('network_error', `The model request failed (${describe(error)}).`, {
    retryable: true,
  });
}

/**
 * A credential that cannot get a token: no retry helps until the identity is set up, so it is reported at once
 * as a configuration fault with the credential chain's own message (which names each credential tried and why
 * it failed; it holds no token). Bearer tokens over plain http are refused by the SDK before any token is asked.
 */
function credentialError(error: unknown): MediaCompletionsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const insecure = /not permitted for non-TLS/i.test(error.message);
  if (!CREDENTIAL_ERRORS.has(error.name) && !insecure) return undefined;
  const hint = insecure
    ? 'use an https endpoint or set AZURE_INFERENCE_CREDENTIAL'
    : 'sign in (az login / azd auth login) or give the app a managed identity (AZURE_CLIENT_ID for a user-assigned one), or set AZURE_INFERENCE_CREDENTIAL';
  return new MediaCompletionsError(
    'credential_unavailable',
    `No token for the model: ${hint}. The credential said: ${sanitizeServiceMessage(error.message)}`,
    { errorClass: 'configuration' },
  );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A code, never a message: transport errors can quote the request. */
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}
