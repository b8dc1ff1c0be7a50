import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  harness = await functionsHarness({ faults: ['500', '429-bare', 'ok'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await harness.close();
});

it('throws when transient failures outlast the attempts, writes nothing, and succeeds on redelivery', async () => {
  const png = await encodeImage('png', 5, 5);
  await harness.blobs.upload(harness.input, 'flaky.png', png);
  const deliver = () => processMediaBlob(png, harness.context('processMediaBlob', { name: 'flaky.png' }));
  await expect(deliver()).rejects.toMatchObject({ code: 'rate_limited', retryable: true, attempts: 2 });
  expect(await harness.blobs.readJson(harness.output, 'flaky.png.json')).toBeUndefined();
  expect(await harness.blobs.readJson(harness.output, 'flaky.png.error.json')).toBeUndefined();
  await deliver();
  expect((await harness.blobs.readJson(harness.output, 'flaky.png.json'))?.value).toMatchObject({
    status: 'succeeded',
  });
  expect(harness.emulator.stats().chatCompletions).toBe(3);
});
