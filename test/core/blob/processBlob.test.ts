import { writeClaim as writeClaimAs } from '../../support/writeClaim';
import { InProgressError } from '../../../src/core/errors/InProgressError';
import { claimBlobName, CLAIMS_FOLDER } from '../../../src/core/outputs/claimBlobName';
import { processBlob, type PipelineDeps, type ProcessBlobOutcome } from '../../../src/core/blob/processBlob';
import type { BlobStore } from '../../../src/core/ports/BlobStore';
import { recordPoisonBlob } from '../../../src/core/blob/recordPoisonBlob';
import type { EmulatorOptions } from '../../../src/emulator/EmulatorOptions';
import { expectValidErrorDocument, expectValidResultDocument } from '../../support/documentSchemas';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';
import { encodeImage, wav } from '../media/fixtures';

let harness: PipelineHarness;

async function setup(emulator: EmulatorOptions = {}, env: Record<string, string> = {}): Promise<void> {
  harness = await pipelineHarness(emulator, env);
}

afterEach(async () => {
  await harness.close();
});

async function upload(
  name: string,
  bytes: Uint8Array,
  metadata: Record<string, string> = {},
  contentType?: string,
) {
  return harness.blobs.upload(harness.input, name, bytes, {
    metadata,
    ...(contentType === undefined ? {} : { contentType }),
  });
}

const run = (name: string): Promise<ProcessBlobOutcome> =>
  processBlob(harness.deps, { container: harness.input, name });
const readResult = async (name: string) =>
  (await harness.blobs.readJson(harness.output, `${name}.json`))?.value;
const readError = async (name: string) =>
  (await harness.blobs.readJson(harness.output, `${name}.error.json`))?.value;

describe('processBlob with Azurite and the emulator', () => {
  it('turns a PNG into a valid result document without the payload', async () => {
    await setup();
    const png = await encodeImage('png', 64, 48);
    const { etag } = await upload('chart.png', png, {}, 'image/png');
    const outcome = await run('chart.png');
    expect(outcome.status).toBe('succeeded');
    const document = await readResult('chart.png');
    expectValidResultDocument(document);
    expect(document).toMatchObject({
      status: 'succeeded',
      source: {
        container: harness.input,
        name: 'chart.png',
        etag,
        contentType: 'image/png',
        size: png.length,
      },
      media: { kind: 'image', mimeType: 'image/png', width: 64, height: 48 },
      request: { model: 'gpt-4o', detail: 'auto', maxTokens: 1024, apiVersion: '2024-05-01-preview' },
      model: harness.emulator.profile.model,
      finishReason: 'stop',
      attempts: 1,
    });
    const text = JSON.stringify(document);
    expect(text).not.toContain(png.toString('base64').slice(0, 40));
    expect(typeof (document as { completion: unknown }).completion).toBe('string');
    expect((document as { usage: { total_tokens: number } }).usage.total_tokens).toBeGreaterThan(0);
    expect((document as { requestId: unknown }).requestId).toEqual(expect.any(String));
    expect(harness.emulator.stats().received.at(-1)?.media).toEqual([
      expect.objectContaining({
        kind: 'image',
        source: 'data',
        mimeType: 'image/png',
        width: 64,
        height: 48,
      }),
    ]);
    expect(await readError('chart.png')).toBeUndefined();
  });

  it('sends JPEG bytes named .png as image/jpeg, whatever the name and content type say', async () => {
    await setup();
    await upload('photos/été 2024/chat noir 🐈.png', await encodeImage('jpeg', 32, 32), {}, 'image/png');
    expect((await run('photos/été 2024/chat noir 🐈.png')).status).toBe('succeeded');
    expect(await readResult('photos/été 2024/chat noir 🐈.png')).toMatchObject({
      media: { mimeType: 'image/jpeg' },
      source: { name: 'photos/été 2024/chat noir 🐈.png' },
    });
    expect(harness.emulator.stats().received.at(-1)?.media[0]).toMatchObject({ mimeType: 'image/jpeg' });
  });

  it('sends WAV audio as input_audio with the audio API version and prompt', async () => {
    await setup();
    await upload('voice/tone.wav', wav({ seconds: 1.5 }));
    expect((await run('voice/tone.wav')).status).toBe('succeeded');
    const document = await readResult('voice/tone.wav');
    expectValidResultDocument(document);
    expect(document).toMatchObject({
      media: { kind: 'audio', format: 'wav', durationSeconds: 1.5 },
      request: {
        detail: null,
        apiVersion: '2025-01-01-preview',
        prompt: harness.config.pipeline.audioPrompt,
      },
    });
    expect(harness.emulator.stats().received.at(-1)?.media[0]).toMatchObject({ kind: 'audio' });
  });

  it.each([
    ['empty.png', 'empty_blob', () => Buffer.alloc(0)],
    ['truncated.png', 'invalid_media', () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['notes.jpg', 'unsupported_media_type', () => Buffer.from('just some text, not an image')],
  ])('records %s as %s without calling the model', async (name, code, bytes) => {
    await setup();
    await upload(name, bytes());
    const outcome = await run(name);
    expect(outcome.status).toBe('failed');
    const document = await readError(name);
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ status: 'failed', error: { code, retryable: false, attempts: 0 } });
    expect(await readResult(name)).toBeUndefined();
    expect(harness.emulator.stats().chatCompletions).toBe(0);
  });

  it('rejects a blob over MEDIA_MAX_BYTES before downloading it', async () => {
    await setup({}, { MEDIA_MAX_BYTES: '100' });
    await upload('big.png', await encodeImage('png', 200, 200));
    expect((await run('big.png')).status).toBe('failed');
    const document = await readError('big.png');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'too_large' } });
    expect((document as { source: object }).source).not.toHaveProperty('sha256');
  });

  it('retries a bare 429, a 503 with retry-after-ms and a reset, then succeeds', async () => {
    await setup({ faults: ['429-bare', '503', 'reset', 'ok'] });
    await upload('a.png', await encodeImage('png', 8, 8));
    expect((await run('a.png')).status).toBe('succeeded');
    expect(await readResult('a.png')).toMatchObject({ attempts: 4 });
    expect(harness.emulator.stats().byStatus).toMatchObject({ '429': 1, '503': 1, reset: 1, '200': 1 });
    expect(harness.deps.clock.slept[1]).toBe(50);
  });

  it('records a content filter rejection after one attempt', async () => {
    await setup({ faults: ['content-filter'] });
    await upload('a.png', await encodeImage('png', 8, 8));
    expect((await run('a.png')).status).toBe('failed');
    const document = await readError('a.png');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({
      error: { code: 'content_filter', retryable: false, attempts: 1, httpStatus: 400 },
    });
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });

  it('throws a retryable error and writes nothing when transient failures outlast the attempts', async () => {
    await setup({ faults: ['503', '503', '503'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
    await upload('a.png', await encodeImage('png', 8, 8));
    await expect(run('a.png')).rejects.toMatchObject({
      code: 'model_unavailable',
      retryable: true,
      attempts: 2,
    });
    expect(await readResult('a.png')).toBeUndefined();
    expect(await readError('a.png')).toBeUndefined();
  });

  it('skips a second run for the same ETag without calling the model', async () => {
    await setup();
    await upload('a.png', await encodeImage('png', 8, 8));
    expect((await run('a.png')).status).toBe('succeeded');
    const second = await run('a.png');
    expect(second.status).toBe('skipped');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });

  it('leaves one document and makes one model call when duplicate deliveries run concurrently', async () => {
    await setup({ latencyMs: 200 });
    await upload('dup.png', await encodeImage('png', 8, 8));
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => run('dup.png')));
    const statuses = settled.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value.status : (outcome.reason as { code: string }).code,
    );
    expect(statuses.sort()).toEqual([
      'in_progress',
      'in_progress',
      'in_progress',
      'in_progress',
      'succeeded',
    ]);
    expect(harness.emulator.stats().chatCompletions).toBe(1);
    expect(await documentNames()).toEqual(['dup.png.json']);
  });

  it('reprocesses an overwritten blob and keeps exactly one outcome document', async () => {
    await setup();
    await upload('x.png', Buffer.from('garbage'));
    expect((await run('x.png')).status).toBe('failed');
    const second = await upload('x.png', await encodeImage('png', 8, 8));
    expect((await run('x.png')).status).toBe('succeeded');
    expect(await readResult('x.png')).toMatchObject({ source: { etag: second.etag } });
    expect(await readError('x.png')).toBeUndefined();
    const third = await upload('x.png', await encodeImage('gif', 9, 9));
    expect((await run('x.png')).status).toBe('succeeded');
    expect(await readResult('x.png')).toMatchObject({
      source: { etag: third.etag },
      media: { format: 'gif' },
    });
    await upload('x.png', Buffer.alloc(0));
    expect((await run('x.png')).status).toBe('failed');
    expect(await readResult('x.png')).toBeUndefined();
    expect(await readError('x.png')).toMatchObject({ error: { code: 'empty_blob' } });
    expect(harness.emulator.stats().chatCompletions).toBe(2);
  });

  it('applies validated metadata overrides', async () => {
    await setup();
    await upload('m.png', await encodeImage('png', 8, 8), {
      prompt: 'Count the bars.',
      max_tokens: '50',
      detail: 'low',
    });
    await run('m.png');
    expect(await readResult('m.png')).toMatchObject({
      request: { prompt: 'Count the bars.', maxTokens: 50, detail: 'low' },
    });
  });

  it.each([
    [{ max_tokens: '999999' }, 'invalid_override'],
    [{ detail: 'ultra' }, 'invalid_override'],
    [{ model: 'gpt-5-expensive' }, 'model_not_allowed'],
  ])('rejects metadata %j as %s', async (metadata, code) => {
    await setup();
    await upload('m.png', await encodeImage('png', 8, 8), metadata);
    expect((await run('m.png')).status).toBe('failed');
    expect(await readError('m.png')).toMatchObject({ error: { code } });
    expect(harness.emulator.stats().chatCompletions).toBe(0);
  });

  it('writes to the output location it is given (batch layout)', async () => {
    await setup();
    await upload('b.png', await encodeImage('png', 8, 8));
    const location = {
      container: harness.output,
      resultName: 'batches/42/items/b.png.json',
      errorName: 'batches/42/items/b.png.error.json',
    };
    const outcome = await processBlob(harness.deps, {
      container: harness.input,
      name: 'b.png',
      output: location,
      overrides: { prompt: 'Batch prompt' },
    });
    expect(outcome.status).toBe('succeeded');
    expect((await harness.blobs.readJson(harness.output, location.resultName))?.value).toMatchObject({
      request: { prompt: 'Batch prompt' },
    });
  });
});

/** The output container's documents, without the claims folder. */
const documentNames = async (): Promise<string[]> =>
  (await harness.blobs.listPage(harness.output)).items
    .map((item) => item.name)
    .filter((name) => !name.startsWith(`${CLAIMS_FOLDER}/`));

describe('processBlob claims', () => {
  const claimNames = async () =>
    (await harness.blobs.listPage(harness.output, { prefix: `${CLAIMS_FOLDER}/` })).items.map(
      (item) => item.name,
    );
  const readClaim = async (name: string) =>
    (await harness.blobs.readJson(harness.output, claimBlobName(`${name}.json`)))?.value;
  /** A claim as another delivery would have left it, expiring `inMs` from now (negative: expired). */
  const writeClaim = (name: string, etag: string, inMs: number) =>
    writeClaimAs(
      harness.blobs,
      harness,
      { name, etag },
      {
        now: harness.deps.clock.now(),
        expiresAt: harness.deps.clock.now() + inMs,
      },
    );

  it('two simultaneous deliveries of one version: one model call, the other throws in_progress, its redelivery is skipped', async () => {
    await setup({ latencyMs: 300 });
    const { etag } = await upload('twin.png', await encodeImage('png', 8, 8));
    const deliveries = Promise.allSettled([run('twin.png'), run('twin.png')]);
    // While the winner waits for the model, its claim is there: our ETag, expiring after budget + margin.
    let claim: unknown;
    for (let waited = 0; claim === undefined && waited < 3000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      claim = await readClaim('twin.png');
    }
    expect(claim).toMatchObject({ resultName: 'twin.png.json', source: { container: harness.input, etag } });
    const { retry, claimMarginMs } = harness.config.pipeline;
    const expiresIn = Date.parse((claim as { expiresAt: string }).expiresAt) - harness.deps.clock.now();
    expect(expiresIn).toBeGreaterThan(retry.totalBudgetMs + claimMarginMs - 10_000);
    expect(expiresIn).toBeLessThanOrEqual(retry.totalBudgetMs + claimMarginMs);

    const [first, second] = await deliveries;
    const lost = first.status === 'rejected' ? first : second;
    const won = first.status === 'fulfilled' ? first : second;
    expect(won).toMatchObject({ status: 'fulfilled', value: { status: 'succeeded' } });
    expect(lost.status).toBe('rejected');
    const reason = (lost as PromiseRejectedResult).reason as InProgressError;
    expect(reason).toBeInstanceOf(InProgressError);
    expect(reason).toMatchObject({ code: 'in_progress', retryable: true });
    expect(reason.expiresAt).toBeGreaterThan(harness.deps.clock.now());
    expect(harness.emulator.stats().chatCompletions).toBe(1);
    expect(await documentNames()).toEqual(['twin.png.json']);

    expect((await run('twin.png')).status).toBe('skipped');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });

  it('a live claim for the same ETag blocks without a model call; once expired it is taken over', async () => {
    await setup();
    const { etag } = await upload('held.png', await encodeImage('png', 8, 8));
    await writeClaim('held.png', etag, 60_000);
    await expect(run('held.png')).rejects.toMatchObject({ code: 'in_progress', retryable: true });
    expect(harness.emulator.stats().chatCompletions).toBe(0);
    // The loser leaves the holder's claim alone.
    expect(await readClaim('held.png')).toMatchObject({ source: { etag } });

    await writeClaim('held.png', etag, -1);
    expect((await run('held.png')).status).toBe('succeeded');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
    // The taker's claim stays after the document is written (it lapses on its own).
    expect(await readClaim('held.png')).toMatchObject({ source: { etag } });
    expect(harness.deps.logger.entries).toContainEqual(
      expect.objectContaining({
        message: 'Taking over a claim',
        fields: { name: 'held.png', reason: 'expired' },
      }),
    );
  });

  it('a live claim for an older ETag does not block the new version', async () => {
    await setup();
    const { etag } = await upload('v.png', await encodeImage('png', 8, 8));
    await writeClaim('v.png', '"0xOLDVERSION"', 60_000);
    expect((await run('v.png')).status).toBe('succeeded');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
    expect(await readClaim('v.png')).toMatchObject({ source: { etag } });
  });

  it("a delivery of a replaced version leaves the new version's live claim alone and calls nothing", async () => {
    await setup();
    const old = await upload('r.png', await encodeImage('png', 8, 8));
    const current = await upload('r.png', await encodeImage('png', 9, 9));
    await writeClaim('r.png', current.etag, 60_000);
    const outcome = await processBlob(harness.deps, {
      container: harness.input,
      name: 'r.png',
      properties: { etag: old.etag, contentType: undefined, size: 10, metadata: {} },
    });
    expect(outcome.status).toBe('gone');
    expect(harness.emulator.stats().chatCompletions).toBe(0);
    expect(await readClaim('r.png')).toMatchObject({ source: { etag: current.etag } });
  });

  it('keeps the claim once a document settles the version, so a delivery that listed before it pays no call', async () => {
    await setup({ faults: ['content-filter'] });
    await upload('cf.png', await encodeImage('png', 8, 8));
    expect((await run('cf.png')).status).toBe('failed');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
    expect(await claimNames()).toHaveLength(1);
    expect((await run('cf.png')).status).toBe('skipped');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });

  it('claims nothing for an input refused before the model call', async () => {
    await setup();
    await upload('empty.png', Buffer.alloc(0));
    expect((await run('empty.png')).status).toBe('failed');
    expect(await readError('empty.png')).toMatchObject({ error: { code: 'empty_blob' } });
    expect(await claimNames()).toEqual([]);
  });

  it('removes the claim after a retryable throw, so the retry proceeds at once', async () => {
    await setup({ faults: ['503', '503'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
    await upload('t.png', await encodeImage('png', 8, 8));
    await expect(run('t.png')).rejects.toMatchObject({ code: 'model_unavailable', retryable: true });
    expect(await claimNames()).toEqual([]);
    expect((await run('t.png')).status).toBe('succeeded');
    expect(harness.emulator.stats().chatCompletions).toBe(3);
  });
});

describe('recordPoisonBlob and the claim (the pipeline does not look for an error document it did not list)', () => {
  const poison = (deps: PipelineDeps, etag: string) =>
    recordPoisonBlob(deps, { container: harness.input, name: 'race.png', etag, deliveries: 5 });
  /** `deps` whose first claim write waits for `meanwhile` (another writer running between a listing and a claim). */
  const beforeFirstClaim = (meanwhile: () => Promise<unknown>): PipelineDeps => {
    let first = true;
    const blobs: BlobStore = Object.create(harness.deps.blobs) as BlobStore;
    blobs.writeJson = async (container, name, value, condition) => {
      if (first && name.startsWith(`${CLAIMS_FOLDER}/`)) {
        first = false;
        await meanwhile();
      }
      return harness.deps.blobs.writeJson(container, name, value, condition);
    };
    return { ...harness.deps, blobs };
  };

  it('writes no error document while a live claim for the same ETag exists', async () => {
    await setup();
    const { etag } = await upload('race.png', await encodeImage('png', 8, 8));
    await harness.blobs.writeJson(
      harness.output,
      claimBlobName('race.png.json'),
      {
        schemaVersion: 1,
        resultName: 'race.png.json',
        source: { container: harness.input, name: 'race.png', etag },
        claimedAt: new Date(harness.deps.clock.now()).toISOString(),
        expiresAt: new Date(harness.deps.clock.now() + 60_000).toISOString(),
      },
      undefined,
    );
    await expect(poison(harness.deps, etag)).rejects.toBeInstanceOf(InProgressError);
    expect(await readError('race.png')).toBeUndefined();
  });

  it("a poison record between a delivery's listing and its claim: the delivery replaces it with its result", async () => {
    await setup();
    const { etag } = await upload('race.png', await encodeImage('png', 8, 8));
    const deps = beforeFirstClaim(async () => {
      expect(await poison(harness.deps, etag)).toBe('recorded');
    });
    expect((await processBlob(deps, { container: harness.input, name: 'race.png' })).status).toBe(
      'succeeded',
    );
    expect(await documentNames()).toEqual(['race.png.json']);
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });

  it("a delivery finishing between the poison handler's read and its claim: no error document", async () => {
    await setup();
    const { etag } = await upload('race.png', await encodeImage('png', 8, 8));
    const deps = beforeFirstClaim(async () => {
      expect((await run('race.png')).status).toBe('succeeded');
    });
    await expect(poison(deps, etag)).rejects.toBeInstanceOf(InProgressError);
    expect(await documentNames()).toEqual(['race.png.json']);
  });

  it('a poison record replayed on its own lapsed claim still sends a late delivery to look for it', async () => {
    await setup();
    const { etag } = await upload('race.png', await encodeImage('png', 8, 8));
    const deps = beforeFirstClaim(async () => {
      expect(await poison(harness.deps, etag)).toBe('recorded');
      expect(await poison(harness.deps, etag)).toBe('settled');
    });
    expect((await processBlob(deps, { container: harness.input, name: 'race.png' })).status).toBe(
      'succeeded',
    );
    expect(await documentNames()).toEqual(['race.png.json']);
  });
});

describe('a poison record, then a permanent failure of the same version', () => {
  it('replaces the retryable error document with the permanent one', async () => {
    await setup({ faults: ['content-filter'] });
    const { etag } = await upload('cf.png', await encodeImage('png', 8, 8));
    const poison = { container: harness.input, name: 'cf.png', etag, deliveries: 5 };
    expect(await recordPoisonBlob(harness.deps, poison)).toBe('recorded');
    expect((await run('cf.png')).status).toBe('failed');
    expect(await readError('cf.png')).toMatchObject({ error: { code: 'content_filter', retryable: false } });
    expect((await run('cf.png')).status).toBe('skipped');
    expect(harness.emulator.stats().chatCompletions).toBe(1);
  });
});

describe('recordPoisonBlob', () => {
  it('writes a retries_exhausted error document that a later success replaces', async () => {
    await setup();
    const { etag } = await upload('p.png', await encodeImage('png', 8, 8));
    const deps = harness.deps;
    expect(
      await recordPoisonBlob(deps, { container: harness.input, name: 'p.png', etag, deliveries: 5 }),
    ).toBe('recorded');
    const document = await readError('p.png');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'retries_exhausted', retryable: true, attempts: 5 } });
    expect(
      await recordPoisonBlob(deps, { container: harness.input, name: 'p.png', etag, deliveries: 5 }),
    ).toBe('settled');
    expect((await run('p.png')).status).toBe('succeeded');
    expect(await readError('p.png')).toBeUndefined();
    expect(
      await recordPoisonBlob(deps, { container: harness.input, name: 'p.png', etag, deliveries: 5 }),
    ).toBe('settled');
    expect(
      await recordPoisonBlob(deps, { container: harness.input, name: 'p.png', etag: '"old"', deliveries: 5 }),
    ).toBe('superseded');
  });
});
