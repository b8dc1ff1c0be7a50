import { selectAnalyzer } from '../analyzers/selectAnalyzer';
import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { isRecord } from '../json/isRecord';
import type { PipelineSettings } from '../completion/PipelineSettings';
import { resolveRequestSummary } from '../completion/resolveRequestSummary';
import type { BatchRequest } from './BatchRequest';

const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const FIELDS = new Set([
  'container',
  'prefix',
  'prompt',
  'system',
  'detail',
  'max_tokens',
  'model',
  'force',
  'manifest',
  'analyzer',
]);

/**
 * Validates the body of `POST /api/batches` (untrusted): `{container?, prefix?, prompt?, system?, detail?,
 * max_tokens?, model?, analyzer?, force?}` or `{manifest: "<container>/<name>.jsonl", ...}`. Overrides are
 * checked now, so a bad prompt fails the request instead of every item. Throws `invalid_batch_request`, or
 * `unknown_analyzer` for an analyzer that is not configured.
 */
export function parseBatchRequest(body: unknown, settings: PipelineSettings): BatchRequest {
  if (!isRecord(body)) throw invalid('the body must be a JSON object');
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw invalid(`unknown field(s): ${unknown.join(', ')}`);
  const text = (key: string): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(`"${key}" must be a string`);
    return value;
  };
  const overrides: CompletionOverrides = {};
  const prompt = text('prompt');
  const system = text('system');
  const detail = text('detail');
  const model = text('model');
  if (prompt !== undefined) overrides.prompt = prompt;
  if (system !== undefined) overrides.system = system;
  if (model !== undefined) overrides.model = model;
  if (detail !== undefined) {
    if (!['auto', 'low', 'high'].includes(detail)) throw invalid('"detail" must be auto, low or high');
    overrides.detail = detail;
  }
  const maxTokens = body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) {
    if (typeof maxTokens !== 'number') throw invalid('"max_tokens" must be a number');
    overrides.maxTokens = maxTokens;
  }
  try {
    resolveRequestSummary(settings, [], overrides);
  } catch (error) {
    if (error instanceof MediaCompletionsError) throw invalid(error.message);
    throw error;
  }
  if (body.force !== undefined && typeof body.force !== 'boolean') throw invalid('"force" must be a boolean');
  const force = body.force === true;
  // Only a named analyzer is checked and recorded: without one, each item is routed by its blob name.
  const requested = text('analyzer');
  const analyzer =
    requested === undefined
      ? undefined
      : selectAnalyzer(settings.analyzers, { requested }, 'unknown_analyzer');
  const named = analyzer === undefined ? {} : { analyzer: analyzer.name };

  const manifest = text('manifest');
  if (manifest !== undefined) {
    if (body.container !== undefined || body.prefix !== undefined) {
      throw invalid('"manifest" cannot be combined with "container" or "prefix"');
    }
    const slash = manifest.indexOf('/');
    const container = manifest.slice(0, slash);
    const name = manifest.slice(slash + 1);
    if (slash < 0 || !CONTAINER_NAME.test(container) || name.length === 0) {
      throw invalid('"manifest" must be "<container>/<name>.jsonl"');
    }
    return { source: { kind: 'manifest', container, name }, overrides, ...named, force };
  }
  const container = text('container') ?? settings.inputContainer;
  if (!CONTAINER_NAME.test(container)) throw invalid('"container" is not a valid container name');
  const prefix = text('prefix');
  return {
    source: { kind: 'container', container, ...(prefix === undefined ? {} : { prefix }) },
    overrides,
    ...named,
    force,
  };
}

function invalid(message: string): MediaCompletionsError {
  return new MediaCompletionsError(
    'invalid_batch_request',
    `Invalid batch request: ${message.replace(/\.$/, '')}.`,
  );
}
