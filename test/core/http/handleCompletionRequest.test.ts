import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import { handleCompletionRequest } from '../../../src/core/http/handleCompletionRequest';
import type { ModelGateway, ModelStreamResponse } from '../../../src/core/ports/ModelGateway';
import { encodeImage } from '../media/fixtures';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterAll(async () => {
  await harness.close();
});

/** A port-level gateway whose stream breaks off after two deltas (the emulator always finishes its streams). */
function breakingStream(): ModelGateway {
  return {
    complete: () => Promise.reject(new Error('not used')),
    completeStream: (): Promise<ModelStreamResponse> => {
      async function* chunks(): AsyncGenerator {
        yield await Promise.resolve({ model: 'm-1', choices: [{ index: 0, delta: { content: 'Hello ' } }] });
        yield { model: 'm-1', choices: [{ index: 0, delta: { content: 'wor' } }] };
        throw new MediaCompletionsError('network_error', 'The model request failed (ECONNRESET).', {
          retryable: true,
        });
      }
      return Promise.resolve({ status: 200, headers: {}, body: null, chunks: chunks() });
    },
  };
}

describe('handleCompletionRequest streaming', () => {
  it('ends a stream that breaks off with an error event after the deltas already sent', async () => {
    const png = await encodeImage('png', 8, 8);
    const answer = await handleCompletionRequest(
      { ...harness.deps, model: breakingStream(), http: { ...harness.config.http }, newId: () => 'fixed-id' },
      {
        headers: new Headers({ 'content-type': 'image/png' }),
        query: new URLSearchParams({ prompt: 'Hi', stream: 'true' }),
        body: (async function* () {
          yield await Promise.resolve(png);
        })(),
      },
    );
    expect(answer.status).toBe(200);
    if (!('events' in answer)) throw new Error('expected a stream');
    let text = '';
    for await (const chunk of answer.events) text += Buffer.from(chunk).toString('utf8');
    expect(text).toBe(
      'event: delta\ndata: {"content":"Hello "}\n\n' +
        'event: delta\ndata: {"content":"wor"}\n\n' +
        'event: error\ndata: {"error":{"code":"network_error","message":"The model request failed (ECONNRESET)."}}\n\n',
    );
    const warning = harness.deps.logger.entries.find((entry) => entry.fields?.id === 'fixed-id');
    expect(warning).toMatchObject({ level: 'warn', fields: { code: 'network_error', status: 502 } });
  });
});
