import { completeMedia } from '../../../src/core/completion/completeMedia';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';
import { encodeImage, wav } from '../media/fixtures';

let harness: PipelineHarness;

afterEach(async () => {
  await harness.close();
});

describe('completeMedia (the HTTP entry point) with the emulator', () => {
  it('sends several images when the limit allows, in order, with the request summary', async () => {
    harness = await pipelineHarness({}, { MEDIA_MAX_IMAGES_PER_REQUEST: '2' });
    const result = await completeMedia(harness.deps, {
      media: [{ bytes: await encodeImage('png', 10, 20) }, { bytes: await encodeImage('webp', 30, 40) }],
      overrides: { prompt: 'Compare them.', system: 'Be brief.', maxTokens: 100 },
    });
    expect(result.media.map((item) => item.mimeType)).toEqual(['image/png', 'image/webp']);
    expect(result.request).toEqual({
      model: 'gpt-4o',
      systemPrompt: 'Be brief.',
      prompt: 'Compare them.',
      detail: 'auto',
      maxTokens: 100,
      apiVersion: '2024-05-01-preview',
    });
    expect(result.attempts).toBe(1);
    expect(
      harness.emulator
        .stats()
        .received.at(-1)
        ?.media.map((item) => item.width),
    ).toEqual([10, 30]);
  });

  it.each([
    ['no media', [], 'no_media'],
    ['two images over a limit of one', ['png', 'png'], 'too_many_images'],
    ['two audio clips', ['wav', 'wav'], 'too_many_audio'],
  ])('rejects %s before any model call', async (_label, kinds, code) => {
    harness = await pipelineHarness();
    const media = await Promise.all(
      kinds.map(async (kind) => ({ bytes: kind === 'wav' ? wav() : await encodeImage('png', 4, 4) })),
    );
    await expect(completeMedia(harness.deps, { media })).rejects.toMatchObject({ code, retryable: false });
    expect(harness.emulator.stats().chatCompletions).toBe(0);
  });

  it('abandons an attempt that hangs after the per-attempt timeout and retries it', async () => {
    harness = await pipelineHarness({ faults: ['hang'] }, { MEDIA_ATTEMPT_TIMEOUT_MS: '300' });
    const result = await completeMedia(harness.deps, { media: [{ bytes: await encodeImage('png', 4, 4) }] });
    expect(result.attempts).toBe(2);
    expect(harness.deps.logger.entries.some((entry) => entry.fields?.code === 'timeout')).toBe(true);
  });

  it('is refused with unauthorized, not retried, when the key is wrong', async () => {
    harness = await pipelineHarness({ key: 'the-right-key' });
    await expect(
      completeMedia(harness.deps, { media: [{ bytes: await encodeImage('png', 4, 4) }] }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
      httpStatus: 401,
      attempts: 1,
    });
  });
});
