import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let h: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  // An o-series deployment: 400 unsupported_parameter for max_tokens. MEDIA_MAX_TOKENS_PARAMETER is left at auto.
  h = await functionsHarness({ model: 'o4-mini' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await h.close();
});

it('learns max_completion_tokens from the first refusal, once per process, without counting it as a failure', async () => {
  for (const name of ['o/1.png', 'o/2.png']) {
    await h.blobs.upload(h.input, name, await encodeImage('png', 6, 6));
    await processMediaBlob(undefined, h.context('processMediaBlob', { name }));
    expect((await h.blobs.readJson(h.output, `${name}.json`))?.value).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      model: 'o4-mini-2025-04-16',
    });
  }
  // The first input's call was refused once and sent again; the second went out under the right name at once.
  expect(h.emulator.stats().byStatus).toEqual({ '400': 1, '200': 2 });
});
