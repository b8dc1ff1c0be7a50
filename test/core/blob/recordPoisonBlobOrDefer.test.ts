import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import {
  MAX_POISON_DEFERRALS,
  recordPoisonBlobOrDefer,
  type PoisonBlobDecision,
} from '../../../src/core/blob/recordPoisonBlobOrDefer';
import { processBlob } from '../../../src/core/blob/processBlob';
import type { PoisonBlobDeps } from '../../../src/core/blob/recordPoisonBlob';
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

/** host.json `functionTimeout` ("hh:mm:ss") in milliseconds. */
function functionTimeoutMs(): number {
  const host = JSON.parse(readFileSync(path.join(__dirname, '../../../host.json'), 'utf8')) as {
    functionTimeout: string;
  };
  const [h, m, s] = host.functionTimeout.split(':').map(Number);
  return ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000;
}

/** A blob whose output a delivery has claimed and then gone silent on (crashed, or storage down at release). */
async function heldBlob(name: string, deps: PoisonBlobDeps = harness.deps): Promise<string> {
  const { etag } = await harness.blobs.upload(harness.input, name, await encodeImage('png', 4, 4));
  const location = defaultOutputLocation(harness.output, name);
  expect(await claimOutput(deps, location, { container: harness.input, name, etag })).toBeDefined();
  return etag;
}

const poisoned = (name: string, etag: string, deferrals = 0) =>
  ({ container: harness.input, name, etag, deliveries: 5, deferrals }) as const;

function delayOf(decision: PoisonBlobDecision): number {
  if (decision.outcome !== 'deferred') throw new Error(`Expected a deferral, got ${decision.outcome}.`);
  return decision.delaySeconds * 1000;
}

describe('recordPoisonBlobOrDefer', () => {
  it('never waits inside the invocation: a fresh claim at the default settings is a put-back past its life', async () => {
    const defaults = loadConfig({
      MediaStorage: 'UseDevelopmentStorage=true',
      AZURE_INFERENCE_ENDPOINT: 'https://example.services.ai.azure.com/models',
    }).pipeline;
    const settings = {
      ...harness.deps.settings,
      retry: defaults.retry,
      claimMarginMs: defaults.claimMarginMs,
    };
    const deps = { ...harness.deps, settings };
    // A delivery that has just claimed the output (and then died), with the app's default claim life (300 s).
    const etag = await heldBlob('fresh/claim.png', deps);
    const slept = harness.deps.clock.slept.length;
    const decision = await recordPoisonBlobOrDefer(deps, poisoned('fresh/claim.png', etag));
    expect(harness.deps.clock.slept.slice(slept)).toEqual([]);
    const claimLife = defaults.retry.totalBudgetMs + defaults.claimMarginMs;
    // Invisible until the claim has lapsed, and within a queue message's 7-day limit.
    expect(delayOf(decision)).toBeGreaterThan(claimLife);
    expect(delayOf(decision)).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);
    expect(claimLife).toBeGreaterThanOrEqual(functionTimeoutMs());
    expect(await harness.blobs.readJson(harness.output, 'fresh/claim.png.error.json')).toBeUndefined();
  });

  it('records a blob whose claim outlived its holder at the delivery after the put-back (no lost input)', async () => {
    const etag = await heldBlob('held/dead.png');
    const first = await recordPoisonBlobOrDefer(harness.deps, poisoned('held/dead.png', etag));
    const claimLife = harness.config.pipeline.retry.totalBudgetMs + harness.config.pipeline.claimMarginMs;
    expect(delayOf(first)).toBeGreaterThan(claimLife);
    await harness.deps.clock.sleep(delayOf(first));
    expect(await recordPoisonBlobOrDefer(harness.deps, poisoned('held/dead.png', etag, 1))).toEqual({
      outcome: 'recorded',
    });
    const document = (await harness.blobs.readJson(harness.output, 'held/dead.png.error.json'))?.value;
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ source: { etag }, error: { code: 'retries_exhausted' } });
  });

  it('leaves the outcome to a holder that wrote it while the message was put back', async () => {
    const etag = await heldBlob('held/alive.png');
    const first = await recordPoisonBlobOrDefer(harness.deps, poisoned('held/alive.png', etag));
    // The holder finishes during the delay: its result is there at the next delivery.
    await harness.deps.clock.sleep(delayOf(first));
    const outcome = await processBlob(harness.deps, { container: harness.input, name: 'held/alive.png' });
    expect(outcome.status).toBe('succeeded');
    expect(await recordPoisonBlobOrDefer(harness.deps, poisoned('held/alive.png', etag, 1))).toEqual({
      outcome: 'settled',
    });
    expect(await harness.blobs.readJson(harness.output, 'held/alive.png.error.json')).toBeUndefined();
    expect(await harness.blobs.readJson(harness.output, 'held/alive.png.json')).toMatchObject({
      value: { source: { etag } },
    });
  });

  it('puts a message back a bounded number of times, then leaves the outcome to the claim holder', async () => {
    const etag = await heldBlob('held/busy.png');
    const input = poisoned('held/busy.png', etag, MAX_POISON_DEFERRALS);
    expect(await recordPoisonBlobOrDefer(harness.deps, input)).toEqual({ outcome: 'in_progress' });
    expect(await harness.blobs.readJson(harness.output, 'held/busy.png.error.json')).toBeUndefined();
  });
});
