import { recordPoisonBlobOnceFree } from '../../../src/core/blob/recordPoisonBlobOnceFree';
import { processBlob } from '../../../src/core/blob/processBlob';
import { claimOutput } from '../../../src/core/outputs/claimOutput';
import { defaultOutputLocation } from '../../../src/core/outputs/OutputLocation';
import { expectValidErrorDocument } from '../../support/documentSchemas';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';
import { encodeImage } from '../media/fixtures';

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterAll(async () => {
  await harness.close();
});

/** A blob whose output a delivery has claimed and then gone silent on (crashed, or storage down at release). */
async function heldBlob(name: string): Promise<string> {
  const { etag } = await harness.blobs.upload(harness.input, name, await encodeImage('png', 4, 4));
  const location = defaultOutputLocation(harness.output, name);
  expect(await claimOutput(harness.deps, location, { container: harness.input, name, etag })).toBeDefined();
  return etag;
}

const poisoned = (name: string, etag: string) =>
  ({ container: harness.input, name, etag, deliveries: 5 }) as const;

describe('recordPoisonBlobOnceFree', () => {
  it('records a blob whose claim outlived its holder, once the claim lapses', async () => {
    const etag = await heldBlob('held/dead.png');
    const slept = harness.deps.clock.slept.length;
    expect(await recordPoisonBlobOnceFree(harness.deps, poisoned('held/dead.png', etag))).toBe('recorded');
    // It waited out the claim (retry budget + margin, plus the clock skew allowance) instead of giving up.
    const claimLife = harness.config.pipeline.retry.totalBudgetMs + harness.config.pipeline.claimMarginMs;
    expect(harness.deps.clock.slept.slice(slept).reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(claimLife);
    const document = (await harness.blobs.readJson(harness.output, 'held/dead.png.error.json'))?.value;
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ source: { etag }, error: { code: 'retries_exhausted' } });
  });

  it('leaves the outcome to a holder that wrote it while the poison handler waited', async () => {
    const etag = await heldBlob('held/alive.png');
    const deps = {
      ...harness.deps,
      clock: {
        now: () => harness.deps.clock.now(),
        // The holder finishes during the wait: its result is there when the claim lapses.
        sleep: async (ms: number) => {
          await harness.deps.clock.sleep(ms);
          const outcome = await processBlob(harness.deps, {
            container: harness.input,
            name: 'held/alive.png',
          });
          expect(outcome.status).toBe('succeeded');
        },
      },
    };
    expect(await recordPoisonBlobOnceFree(deps, poisoned('held/alive.png', etag))).toBe('settled');
    expect(await harness.blobs.readJson(harness.output, 'held/alive.png.error.json')).toBeUndefined();
    expect(await harness.blobs.readJson(harness.output, 'held/alive.png.json')).toMatchObject({
      value: { source: { etag } },
    });
  });
});
