import { app } from '@azure/functions';
import { handleCompletionRequest } from '../core/http/handleCompletionRequest';
import { httpFunction } from './shared/httpFunction';
import { httpDeps } from './shared/runtime';

/**
 * POST /api/completions: an image or a recording in (multipart, JSON or a raw body), the completion out, as JSON
 * or, with `?stream=true`, as server-sent events. All the work is in the core.
 */
export const completions = httpFunction(httpDeps, handleCompletionRequest);

app.http('completions', {
  route: 'completions',
  methods: ['POST'],
  authLevel: 'function',
  handler: completions,
});
