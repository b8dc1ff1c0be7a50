import { FfmpegAudioConverter } from '../../../src/adapters/FfmpegAudioConverter';
import { detectAudioContainer } from '../../../src/core/media/detectAudioContainer';
import { inspectMedia } from '../../../src/core/media/inspectMedia';
import type { AudioInfo } from '../../../src/core/media/MediaInfo';
import {
  MAX_AUDIO_BYTES,
  prepareAudioForModel,
  type StoredAudio,
} from '../../../src/core/media/prepareAudioForModel';
import { makeAudio } from '../../support/makeAudio';
import { wav } from './fixtures';
import { rejection } from '../../support/rejection';

const audio = new FfmpegAudioConverter();

function stored(bytes: Buffer): StoredAudio {
  const container = detectAudioContainer(bytes);
  return container === undefined ? { bytes, info: inspectMedia(bytes) as AudioInfo } : { bytes, container };
}

describe('prepareAudioForModel', () => {
  it('sends a stored PCM WAV over the 20 MB message limit as MP3, or at 24 kHz when compact', async () => {
    const seconds = Math.ceil((MAX_AUDIO_BYTES + 1) / 192_000);
    const big = wav({ seconds, sampleRate: 48000, channels: 2 });
    expect(big.length).toBeGreaterThan(MAX_AUDIO_BYTES);
    const plain = await prepareAudioForModel(stored(big), { audio, compact: false });
    expect(plain.sent).toMatchObject({
      format: 'mp3',
      converted: true,
      from: `wav (over ${MAX_AUDIO_BYTES} bytes)`,
    });
    expect(plain.sent.bytes).toBeLessThanOrEqual(MAX_AUDIO_BYTES);
    expect(Math.abs(plain.item.info.durationSeconds - seconds)).toBeLessThan(0.2);
    const compact = await prepareAudioForModel(stored(big), { audio, compact: true });
    expect(compact.sent).toMatchObject({ format: 'wav', sampleRate: 24000, channels: 2, converted: true });
  });

  it('names what needs a converter when none is configured', async () => {
    const m4a = await rejection(
      prepareAudioForModel(stored(makeAudio('m4a-aac')), { audio: undefined, compact: false }),
    );
    expect(m4a).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringMatching(/^M4A \(AAC\)/) as unknown,
    });
    const mulaw = await rejection(
      prepareAudioForModel(stored(makeAudio('wav-mulaw')), { audio: undefined, compact: false }),
    );
    expect(mulaw).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringMatching(/^WAV \(mu-law\)/) as unknown,
    });
  });

  it('names a WAV codec no decoder knows instead of trying it', async () => {
    const unknown = wav({ formatTag: 0x1234 });
    const error = await rejection(prepareAudioForModel(stored(unknown), { audio, compact: false }));
    expect(error).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringMatching(/codec 0x1234/) as unknown,
    });
  });
});
