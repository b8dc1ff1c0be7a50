import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let h: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  h = await functionsHarness({ faults: ['500', '429-bare', 'ok'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await h.close();
});

it('throws when transient failures outlast the attempts, writes nothing, and succeeds on redelivery', async () => {
  const png = await encodeImage('png', 5, 5);
  await h.blobs.upload(h.input, 'flaky.png', png);
  const deliver = () => processMediaBlob(png, h.context('processMediaBlob', { name: 'flaky.png' }));
  await expect(deliver()).rejects.toMatchObject({ code: 'rate_limited', retryable: true, attempts: 2 });
  expect(await h.blobs.readJson(h.output, 'flaky.png.json')).toBeUndefined();
  expect(await h.blobs.readJson(h.output, 'flaky.png.error.json')).toBeUndefined();
  await deliver();
  expect((await h.blobs.readJson(h.output, 'flaky.png.json'))?.value).toMatchObject({ status: 'succeeded' });
  expect(h.emulator.stats().chatCompletions).toBe(3);
});
