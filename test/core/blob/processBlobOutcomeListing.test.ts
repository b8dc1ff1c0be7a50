import { processBlob } from '../../../src/core/blob/processBlob';
import type { OutputLocation } from '../../../src/core/outputs/OutputLocation';
import { encodeImage } from '../media/fixtures';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterAll(async () => {
  await harness.close();
});

/** processBlob finds existing outcomes with one listing, or by reading both documents when a listing cannot tell. */
describe('processBlob idempotency check', () => {
  it.each([
    ['a shared prefix', (name: string) => ({ resultName: `${name}.json`, errorName: `${name}.error.json` })],
    ['no shared prefix', (name: string) => ({ resultName: `r/${name}.json`, errorName: `e/${name}.json` })],
  ])('skips a settled blob when the document names have %s', async (_, names) => {
    const name = `photo-${Math.random().toString(36).slice(2)}.png`;
    await harness.blobs.upload(harness.input, name, await encodeImage('png', 32, 32));
    const output: OutputLocation = { container: harness.output, ...names(name) };
    const calls = () => harness.emulator.stats().chatCompletions;
    const before = calls();
    expect((await processBlob(harness.deps, { container: harness.input, name, output })).status).toBe(
      'succeeded',
    );
    expect((await processBlob(harness.deps, { container: harness.input, name, output })).status).toBe(
      'skipped',
    );
    expect(calls() - before).toBe(1);
  });

  it('reads both documents when more than one listing page shares their prefix', async () => {
    const name = 'crowded.png';
    await harness.blobs.upload(harness.input, name, await encodeImage('png', 32, 32));
    // 60 unrelated outputs sort before `crowded.png.error.json` / `.json` under the common prefix `crowded.png.`.
    await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        harness.blobs.writeJson(
          harness.output,
          `crowded.png.a${String(index).padStart(2, '0')}`,
          {},
          undefined,
        ),
      ),
    );
    const before = harness.emulator.stats().chatCompletions;
    expect((await processBlob(harness.deps, { container: harness.input, name })).status).toBe('succeeded');
    expect((await processBlob(harness.deps, { container: harness.input, name })).status).toBe('skipped');
    expect(harness.emulator.stats().chatCompletions - before).toBe(1);
  });
});
