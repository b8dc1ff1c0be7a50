import { HttpRequest, HttpResponse } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import type { FunctionsHarness } from './functionsHarness';
import { expectValidResponse } from './openapi';

/**
 * POSTs `bytes` as a raw body to the completions handler, as the host calls it, and checks the JSON answer against
 * the OpenAPI document.
 */
export async function postRawMedia(
  harness: FunctionsHarness,
  completions: typeof Completions,
  bytes: Buffer,
  contentType: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const request = new HttpRequest({
    method: 'POST',
    url: 'http://localhost:7071/api/completions?prompt=Describe',
    headers: { 'content-type': contentType },
    query: { prompt: 'Describe' },
    body: { bytes },
  });
  const response = new HttpResponse(await completions(request, harness.context('completions', {})));
  const body = (await response.json()) as Record<string, unknown>;
  expectValidResponse(response.status, body);
  return { status: response.status, body };
}
