import { createHash, randomUUID } from 'node:crypto';
import { selectAnalyzer } from '../analyzers/selectAnalyzer';
import { completeMedia } from '../completion/completeMedia';
import type { CompletionResult } from '../completion/CompletionResult';
import type { CompletionStreamEvent } from '../completion/CompletionStreamEvent';
import type { SourceInfo } from '../outputs/documents';
import { isMediaCompletionsError } from '../errors/MediaCompletionsError';
import type { ImageUrlInput } from '../completion/ImageUrlInput';
import type { MediaInfo } from '../media/MediaInfo';
import type { MediaInput } from '../completion/prepareCompletion';
import type { PipelineDeps } from '../blob/processBlob';
import { resultDocument } from '../outputs/resultDocument';
import { sourceInfo } from '../outputs/sourceInfo';
import { startCompletionStream } from '../completion/startCompletionStream';
import { errorAnswer } from './errorAnswer';
import type { HttpAnswer } from './HttpAnswer';
import { httpError } from './httpError';
import type { HttpRequestLike } from './HttpRequestLike';
import type { HttpSettings } from './HttpSettings';
import { parseCompletionRequest } from './parseCompletionRequest';
import type { ParsedCompletionRequest } from './ParsedCompletionRequest';
import type { RequestMedia } from './RequestMedia';

export interface HttpCompletionDeps extends PipelineDeps {
  http: HttpSettings;
  /** The request's id (document name, logs); tests pin it. */
  newId?: () => string;
}

/** How one media item is described in an answer: what detection found, never the bytes. */
export type MediaDescription =
  | ({ source: 'file' | 'data' | 'raw' | 'blob'; size: number } & DescribedInfo)
  | { kind: 'image'; source: 'url' };

type DescribedInfo =
  | { kind: 'image'; mimeType: string; width: number; height: number }
  | { kind: 'audio'; mimeType: string; durationSeconds: number };

interface Resolved {
  inputs: (MediaInput | ImageUrlInput)[];
  /** Per input: where it came from, and for inline bytes the source a result document records. */
  origins: (
    { from: 'url' } | { from: 'file' | 'data' | 'raw' | 'blob'; source: SourceInfo & { sha256: string } }
  )[];
}

/**
 * POST /api/completions on the shared core: parse, resolve blob references, then `completeMedia` (or
 * `startCompletionStream` with `?stream=true`) under the HTTP time budget; `?save=true` also writes the result
 * document to `<output container>/http/<yyyy-mm-dd>/<id>.json`. Every failure becomes
 * `errorAnswer`; nothing of the payload or the key is
 * ever echoed or logged.
 */
export async function handleCompletionRequest(
  deps: HttpCompletionDeps,
  request: HttpRequestLike,
): Promise<HttpAnswer> {
  const started = deps.clock.now();
  const id = (deps.newId ?? randomUUID)();
  try {
    const parsed = await parseCompletionRequest(request, deps.settings, deps.http);
    const analyzer = selectAnalyzer(
      deps.settings.analyzers,
      { requested: parsed.overrides.analyzer },
      'unknown_analyzer',
    );
    const output = parsed.output ?? analyzer?.output;
    if (parsed.stream && output !== undefined) {
      throw httpError(
        'invalid_option',
        `?stream=true does not go with a structured output (analyzer "${analyzer?.name ?? ''}" or "output").`,
      );
    }
    const resolved = await resolveMedia(deps, parsed.media, id);
    if (parsed.save && (resolved.inputs.length !== 1 || resolved.origins[0]?.from === 'url')) {
      throw httpError('save_unsupported', '?save=true needs exactly one image or audio file (not a URL).');
    }
    const readMs = deps.clock.now() - started;
    const budgeted = withinBudget(deps, deps.http.timeBudgetMs - readMs);
    const input = { media: resolved.inputs, overrides: parsed.overrides, analyzer, output };
    if (parsed.stream) {
      const stream = await startCompletionStream(budgeted, input);
      return {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        },
        events: sse(deps, { id, started, readMs, parsed, resolved }, stream, stream.events),
      };
    }
    const result = await completeMedia(budgeted, input);
    return {
      status: 200,
      headers: {},
      json: await answer(deps, { id, started, readMs, parsed, resolved }, result),
    };
  } catch (error) {
    return errorAnswer(deps.logger, error, { id });
  }
}

interface Run {
  id: string;
  started: number;
  readMs: number;
  parsed: ParsedCompletionRequest;
  resolved: Resolved;
}

/** The retry budget cut to what is left of the HTTP budget, so that the answer comes before the cut-off. */
function withinBudget(deps: HttpCompletionDeps, remainingMs: number): HttpCompletionDeps {
  const { retry } = deps.settings;
  const totalBudgetMs = Math.max(1, Math.min(retry.totalBudgetMs, remainingMs));
  return { ...deps, settings: { ...deps.settings, retry: { ...retry, totalBudgetMs } } };
}

async function resolveMedia(
  deps: HttpCompletionDeps,
  media: readonly RequestMedia[],
  id: string,
): Promise<Resolved> {
  const resolved: Resolved = { inputs: [], origins: [] };
  for (const item of media) {
    if (item.from === 'url') {
      resolved.inputs.push({ url: item.url });
      resolved.origins.push({ from: 'url' });
      continue;
    }
    const { bytes, source } =
      item.from === 'blob'
        ? await readBlob(deps, item.container, item.name)
        : {
            bytes: item.bytes,
            source: {
              container: 'http',
              name: item.fileName ?? 'request',
              etag: id,
              contentType: item.declaredType ?? null,
              size: item.bytes.length,
            },
          };
    resolved.inputs.push({ bytes });
    resolved.origins.push({
      from: item.from,
      source: { ...source, sha256: createHash('sha256').update(bytes).digest('hex') },
    });
  }
  return resolved;
}

/**
 * Reads an authorized blob reference. A missing blob, and a storage 4xx caused by the caller's name, are the
 * caller's `blob_not_found` (400), never a 5xx.
 */
async function readBlob(
  deps: HttpCompletionDeps,
  container: string,
  name: string,
): Promise<{ bytes: Uint8Array; source: SourceInfo }> {
  const notFound = () =>
    httpError('blob_not_found', `Blob "${name.slice(0, 200)}" does not exist in container "${container}".`);
  const callersFault = (error: unknown): never => {
    if (
      isMediaCompletionsError(error) &&
      (error.code === 'source_not_found' || (error.code === 'storage_error' && error.httpStatus === 400))
    ) {
      throw notFound();
    }
    throw error;
  };
  const properties = await deps.blobs.getProperties(container, name).catch(callersFault);
  if (properties === undefined) throw notFound();
  if (properties.size > deps.settings.maxBytes) {
    throw httpError(
      'too_large',
      `The blob is ${properties.size} bytes; the limit is ${deps.settings.maxBytes} bytes.`,
    );
  }
  const bytes = await deps.blobs.download(container, name, { ifMatch: properties.etag }).catch(callersFault);
  return {
    bytes,
    source: sourceInfo(container, name, properties),
  };
}

function describe(resolved: Resolved, media: readonly MediaInfo[]): MediaDescription[] {
  let inline = 0;
  return resolved.origins.map((origin) => {
    if (origin.from === 'url') return { kind: 'image', source: 'url' };
    const info = media[inline];
    inline += 1;
    if (info === undefined) throw new TypeError('The completion described fewer media than were sent.');
    const common = { source: origin.from, size: origin.source.size, mimeType: info.mimeType };
    return info.kind === 'image'
      ? { kind: 'image', ...common, width: info.width, height: info.height }
      : { kind: 'audio', ...common, durationSeconds: info.durationSeconds };
  });
}

async function answer(
  deps: HttpCompletionDeps,
  run: Run,
  result: CompletionResult,
): Promise<Record<string, unknown>> {
  const saved = run.parsed.save ? await save(deps, run, result) : undefined;
  const totalMs = deps.clock.now() - run.started;
  deps.logger.info('HTTP completion answered', {
    id: run.id,
    media: run.resolved.inputs.length,
    attempts: result.attempts,
    modelMs: result.modelMs,
    totalMs,
    saved: saved !== undefined,
  });
  return {
    id: run.id,
    ...(result.analyzer === undefined ? {} : { analyzer: result.analyzer }),
    model: result.model,
    completion: result.completion,
    ...(result.output === undefined ? {} : { output: result.output }),
    ...(result.refusal === undefined ? {} : { refusal: result.refusal }),
    finishReason: result.finishReason,
    ...(result.filteredCategories === undefined ? {} : { filteredCategories: result.filteredCategories }),
    usage: result.usage,
    media: describe(run.resolved, result.media),
    requestId: result.requestId,
    attempts: result.attempts,
    timings: { readMs: run.readMs, modelMs: result.modelMs, totalMs },
    ...(saved === undefined ? {} : { saved }),
  };
}

/** The pipeline's result document, create-only under a fresh name: a retried request gets a new id. */
async function save(
  deps: HttpCompletionDeps,
  run: Run,
  result: CompletionResult,
): Promise<{ container: string; name: string }> {
  const [origin] = run.resolved.origins;
  if (origin === undefined || origin.from === 'url' || run.resolved.origins.length !== 1) {
    throw new TypeError('A saved completion needs exactly one inline media item.');
  }
  const now = deps.clock.now();
  const document = resultDocument(origin.source, result, {
    downloadMs: run.readMs,
    totalMs: now - run.started,
    now,
  });
  const container = deps.settings.outputContainer;
  const name = `http/${document.createdAt.slice(0, 10)}/${run.id}.json`;
  const written = await deps.blobs.writeJson(container, name, document, { ifNoneMatch: '*' });
  if (!written.written) throw httpError('write_conflict', `Result document ${name} already exists.`);
  return { container, name };
}

async function* sse(
  deps: HttpCompletionDeps,
  run: Run,
  stream: Omit<CompletionResult, 'model' | 'completion' | 'finishReason' | 'usage'>,
  events: AsyncIterable<CompletionStreamEvent>,
): AsyncGenerator<Uint8Array> {
  let completion = '';
  let refusal = '';
  try {
    for await (const event of events) {
      if (event.type === 'delta') {
        completion += event.content;
        yield sseEvent('delta', { content: event.content });
      } else if (event.type === 'refusal') {
        refusal += event.refusal;
        yield sseEvent('delta', { refusal: event.refusal });
      } else {
        const { filteredCategories, model, finishReason, usage } = event;
        const done = await answer(deps, run, {
          ...stream,
          model,
          finishReason,
          usage,
          completion: refusal !== '' && completion === '' ? null : completion,
          ...(refusal === '' ? {} : { refusal }),
          ...(filteredCategories.length === 0 ? {} : { filteredCategories }),
        });
        yield sseEvent('done', done);
      }
    }
  } catch (error) {
    const { json } = errorAnswer(deps.logger, error, { id: run.id });
    yield sseEvent('error', json);
  }
}

function sseEvent(name: string, data: unknown): Uint8Array {
  return Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
}
