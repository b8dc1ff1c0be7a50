import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { handleCompletionRequest, type HttpCompletionDeps } from '../core/http/handleCompletionRequest';
import { httpDeps } from './shared/runtime';

/**
 * POST /api/completions: an image or a recording in (multipart, JSON or a raw body), the completion out, as JSON
 * or, with `?stream=true`, as server-sent events (streamed by the host because `src/index.ts` enables HTTP
 * streams). All the work is in the core; this adapts the host's request and response.
 */
export async function completions(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  let deps: HttpCompletionDeps;
  try {
    deps = await httpDeps(context);
  } catch (error) {
    // Building the clients failed: report it the way every other failure is reported.
    context.error(`completions: could not start (${error instanceof Error ? error.name : 'unknown error'})`);
    return {
      status: 500,
      jsonBody: { error: { code: 'internal_error', message: 'The function could not start.' } },
    };
  }
  const answer = await handleCompletionRequest(deps, request);
  return 'json' in answer
    ? { status: answer.status, headers: answer.headers, jsonBody: answer.json }
    : { status: answer.status, headers: answer.headers, body: answer.events };
}

app.http('completions', {
  route: 'completions',
  methods: ['POST'],
  authLevel: 'function',
  handler: completions,
});
