import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { MediaCompletionsError } from '../../src/core/errors/MediaCompletionsError';
import { expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { makeAudio } from '../support/makeAudio';
import { testConfig } from '../support/pipeline';
import { deliverBlob } from '../support/deliverBlob';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  harness = await functionsHarness({}, { MEDIA_AUDIO_COMPACT: 'true' });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await harness.close();
});

interface Result {
  media: { sampleRate: number; channels: number; durationSeconds: number };
  sent: { bytes: number; sampleRate: number; channels: number; converted: boolean; from?: string };
  usage: { prompt_tokens: number };
}

async function resultOf(name: string, bytes: Buffer): Promise<Result> {
  await deliverBlob(harness, processMediaBlob, name, bytes);
  const document = (await harness.blobs.readJson(harness.output, `${name}.json`))?.value;
  expectValidResultDocument(document);
  return document as Result;
}

describe('MEDIA_AUDIO_COMPACT=true', () => {
  it('resamples a 48 kHz stereo WAV to 24 kHz, keeps both channels, halves the bytes, not the tokens', async () => {
    const studio = makeAudio('wav-pcm16', { seconds: 2, sampleRate: 48000, channels: 2 });
    const phone = makeAudio('wav-pcm16', { seconds: 2, sampleRate: 16000, channels: 1 });
    const compact = await resultOf('compact/studio.wav', studio);
    expect(compact).toMatchObject({
      media: { sampleRate: 48000, channels: 2, durationSeconds: 2 },
      sent: { sampleRate: 24000, channels: 2, converted: true, from: 'wav (48000 Hz)' },
    });
    expect(compact.sent.bytes).toBeLessThan(studio.length / 2 + 100);
    expect(harness.emulator.stats().received.at(-1)?.media[0]).toMatchObject({
      mimeType: 'audio/wav',
      durationSeconds: 2,
    });

    // Audio is billed by duration: a 2 s clip costs the same at any rate.
    const untouched = await resultOf('compact/phone.wav', phone);
    expect(untouched).toMatchObject({ sent: { sampleRate: 16000, bytes: phone.length, converted: false } });
    expect(compact.usage.prompt_tokens).toBe(untouched.usage.prompt_tokens);
  });

  it('resamples a decoded m4a above 24 kHz too, recording the stored rate', async () => {
    const memo = makeAudio('m4a-aac', { seconds: 2, sampleRate: 44100, channels: 2 });
    const document = await resultOf('compact/memo.m4a', memo);
    expect(document).toMatchObject({
      media: { sampleRate: 44100, channels: 2 },
      sent: { sampleRate: 24000, channels: 2, converted: true, from: 'm4a (aac)' },
    });
  });

  it('is off by default and validated like every boolean setting', () => {
    expect(testConfig().pipeline.compactAudio).toBe(false);
    expect(testConfig({ MEDIA_AUDIO_COMPACT: 'true' }).pipeline.compactAudio).toBe(true);
    let error: unknown;
    try {
      testConfig({ MEDIA_AUDIO_COMPACT: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MediaCompletionsError);
    expect((error as Error).message).toMatch(/MEDIA_AUDIO_COMPACT/);
  });
});
