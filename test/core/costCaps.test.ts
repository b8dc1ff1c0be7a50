import fc from 'fast-check';
import { MediaCompletionsError } from '../../src/core/errors/MediaCompletionsError';
import { overridesFromMetadata } from '../../src/core/completion/overridesFromMetadata';
import { processBlob } from '../../src/core/blob/processBlob';
import { resolveRequestSummary } from '../../src/core/completion/resolveRequestSummary';
import { png } from '../fixtures/badInputs';
import { pipelineHarness, type PipelineHarness } from '../support/pipelineHarness';
import { testConfig } from '../support/pipeline';

const CAPS = {
  AZURE_INFERENCE_MODEL: 'gpt-4o',
  MEDIA_ALLOWED_MODELS: 'gpt-4o,gpt-4o-mini',
  MEDIA_MAX_TOKENS: '256',
  MEDIA_MAX_TOKENS_CAP: '1000',
  MEDIA_MAX_PROMPT_CHARS: '300',
};
const settings = testConfig(CAPS).pipeline;
const ALLOWED = ['gpt-4o', 'gpt-4o-mini'];

/** Values an uploader might try, including near-misses of the caps and of the allowlist. */
const metadataValue = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.constantFrom('0', '-1', '1', '1000', '1001', '1e3', '0x10', ' 999 ', '99999999999999999999', 'NaN', ''),
  fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'GPT-4O', ' gpt-4o-mini ', 'gpt-4o,gpt-5', 'o1', 'gpt-4'),
  fc.constantFrom('auto', 'low', 'high', 'HIGH', 'ultra', ' low '),
  fc.integer({ min: 250, max: 350 }).map((length) => 'x'.repeat(length)),
);
const metadata = fc.dictionary(
  fc.constantFrom('prompt', 'system', 'detail', 'max_tokens', 'MAX_TOKENS', 'model', 'Model', 'other'),
  metadataValue,
);

describe('per-blob overrides cannot exceed the configured caps', () => {
  it('any metadata yields a request within the caps and the allowlist, or a precise permanent error', () => {
    fc.assert(
      fc.property(metadata, (values) => {
        let summary;
        try {
          summary = resolveRequestSummary(settings, [{ kind: 'image' }], overridesFromMetadata(values));
        } catch (error) {
          expect(error).toBeInstanceOf(MediaCompletionsError);
          expect((error as MediaCompletionsError).retryable).toBe(false);
          expect(['invalid_override', 'model_not_allowed']).toContain((error as MediaCompletionsError).code);
          return;
        }
        expect(Number.isSafeInteger(summary.maxTokens)).toBe(true);
        expect(summary.maxTokens).toBeGreaterThanOrEqual(1);
        expect(summary.maxTokens).toBeLessThanOrEqual(1000);
        expect(summary.prompt.length).toBeLessThanOrEqual(300);
        expect(summary.systemPrompt.length).toBeLessThanOrEqual(Math.max(300, settings.systemPrompt.length));
        expect(ALLOWED).toContain(summary.model);
        expect(['auto', 'low', 'high']).toContain(summary.detail);
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });

  it('run-level overrides do not loosen the caps: the blob’s metadata is validated on top of them', () => {
    expect(() =>
      resolveRequestSummary(settings, [{ kind: 'image' }], {
        ...{ maxTokens: 10, model: 'gpt-4o-mini' },
        ...overridesFromMetadata({ max_tokens: '1001' }),
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_override' }) as Error);
    expect(() =>
      resolveRequestSummary(settings, [{ kind: 'image' }], {
        ...{ model: 'gpt-4o-mini' },
        ...overridesFromMetadata({ model: 'gpt-4-32k' }),
      }),
    ).toThrow(expect.objectContaining({ code: 'model_not_allowed' }) as Error);
  });

  it('an empty allowlist without a default model refuses every model override', () => {
    const locked = testConfig({ AZURE_INFERENCE_MODEL: '', MEDIA_ALLOWED_MODELS: '' }).pipeline;
    expect(locked.allowedModels).toEqual([]);
    expect(() => resolveRequestSummary(locked, [{ kind: 'image' }], { model: 'gpt-4o' })).toThrow(
      expect.objectContaining({ code: 'model_not_allowed' }) as Error,
    );
  });
});

describe('caps through the real pipeline (Azurite, emulator)', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await pipelineHarness({}, CAPS);
  });

  afterAll(async () => {
    await harness.close();
  });

  it('values exactly at the caps are sent as asked; one past them is refused with no model call', async () => {
    const image = png(4, 4);
    await harness.blobs.upload(harness.input, 'at-cap.png', image, {
      metadata: { max_tokens: '1000', prompt: 'p'.repeat(300), model: 'gpt-4o-mini' },
    });
    await harness.blobs.upload(harness.input, 'past-cap.png', image, {
      metadata: { max_tokens: '1001', prompt: 'p'.repeat(300), model: 'gpt-4o-mini' },
    });
    const atCap = await processBlob(harness.deps, { container: harness.input, name: 'at-cap.png' });
    expect(atCap).toMatchObject({
      status: 'succeeded',
      document: { request: { maxTokens: 1000, model: 'gpt-4o-mini', prompt: 'p'.repeat(300) } },
    });
    const calls = harness.emulator.stats().chatCompletions;
    expect(calls).toBe(1);
    const pastCap = await processBlob(harness.deps, { container: harness.input, name: 'past-cap.png' });
    expect(pastCap).toMatchObject({ status: 'failed', document: { error: { code: 'invalid_override' } } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });
});
