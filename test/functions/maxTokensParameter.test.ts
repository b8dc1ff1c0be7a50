import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  // An o-series deployment: 400 unsupported_parameter for max_tokens. MEDIA_MAX_TOKENS_PARAMETER is left at auto.
  harness = await functionsHarness({ model: 'o4-mini' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await harness.close();
});

it('learns max_completion_tokens from the first refusal, once per process, without counting it as a failure', async () => {
  for (const name of ['o/1.png', 'o/2.png']) {
    await harness.blobs.upload(harness.input, name, await encodeImage('png', 6, 6));
    await processMediaBlob(undefined, harness.context('processMediaBlob', { name }));
    expect((await harness.blobs.readJson(harness.output, `${name}.json`))?.value).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      model: 'o4-mini-2025-04-16',
    });
  }
  // The first input's call was refused once and sent again; the second went out under the right name at once.
  expect(harness.emulator.stats().byStatus).toEqual({ '400': 1, '200': 2 });
});
