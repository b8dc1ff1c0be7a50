import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationLogger } from '../../adapters/invocationLogger';
import { errorAnswer } from '../../core/http/errorAnswer';
import type { HttpAnswer } from '../../core/http/HttpAnswer';

/**
 * An HTTP function from a core handler: builds the invocation's dependencies (a failure to build them is
 * answered like every other failure, by `errorAnswer`) and turns the core's answer into the host's response
 * (JSON, or server-sent events streamed by the host because `src/index.ts` enables HTTP streams).
 */
export function httpFunction<Deps>(
  depsFor: (context: InvocationContext) => Promise<Deps>,
  handle: (deps: Deps, request: HttpRequest) => Promise<HttpAnswer>,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, context) => {
    let answer: HttpAnswer;
    try {
      answer = await handle(await depsFor(context), request);
    } catch (error) {
      // Only building the dependencies throws: the handlers answer their own failures.
      answer = errorAnswer(invocationLogger(context), error);
    }
    return 'json' in answer
      ? { status: answer.status, headers: answer.headers, jsonBody: answer.json }
      : { status: answer.status, headers: answer.headers, body: answer.events };
  };
}
