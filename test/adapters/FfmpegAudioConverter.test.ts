import { FfmpegAudioConverter } from '../../src/adapters/FfmpegAudioConverter';
import { inspectMedia } from '../../src/core/media/inspectMedia';
import { makeAudio, type AudioKind } from '../support/makeAudio';
import { rejection } from '../support/rejection';

const converter = new FfmpegAudioConverter();
const MAX = 20 * 1024 * 1024;

describe('FfmpegAudioConverter (the ffmpeg binary shipped in @ffmpeg-installer/ffmpeg)', () => {
  it.each<AudioKind>([
    'm4a-aac',
    'ogg-opus',
    'ogg-vorbis',
    'webm-opus',
    'flac',
    'amr-nb',
    'wav-mulaw',
    'wav-alaw',
    'wav-ima-adpcm',
    'wav-ms-adpcm',
  ])('decodes %s to a PCM16 WAV whose RIFF and data sizes are the real ones', async (kind) => {
    const wav = await converter.convert(makeAudio(kind, { seconds: 1.5, channels: 1 }), {
      to: 'wav',
      maxBytes: MAX,
    });
    if (wav === undefined) throw new Error('no output');
    const view = Buffer.from(wav);
    expect(view.toString('latin1', 0, 4)).toBe('RIFF');
    expect(view.readUInt32LE(4)).toBe(wav.length - 8);
    expect(view.readUInt16LE(20)).toBe(1); // PCM
    expect(view.readUInt16LE(34)).toBe(16);
    expect(view.toString('latin1', 36, 40)).toBe('data');
    expect(view.readUInt32LE(40)).toBe(wav.length - 44);
    const info = inspectMedia(wav);
    expect(info).toMatchObject({ format: 'wav', channels: 1 });
    expect(info.kind === 'audio' && info.durationSeconds).toBeCloseTo(1.5, 1);
  });

  it('keeps the channels and the rate unless asked to resample', async () => {
    const stereo = makeAudio('flac', { sampleRate: 48000, channels: 2 });
    expect(
      inspectMedia((await converter.convert(stereo, { to: 'wav', maxBytes: MAX })) ?? new Uint8Array()),
    ).toMatchObject({
      sampleRate: 48000,
      channels: 2,
    });
    const compact = await converter.convert(stereo, { to: 'wav', maxBytes: MAX, sampleRate: 24000 });
    expect(inspectMedia(compact ?? new Uint8Array())).toMatchObject({
      sampleRate: 24000,
      channels: 2,
      durationSeconds: 1,
    });
  });

  it('encodes MP3 on request and returns undefined when the output would pass maxBytes', async () => {
    const flac = makeAudio('flac', { seconds: 2 });
    const mp3 = await converter.convert(flac, { to: 'mp3', maxBytes: MAX });
    const info = inspectMedia(mp3 ?? new Uint8Array());
    expect(info).toMatchObject({ format: 'mp3', channels: 1 });
    // The encoder adds a few frames of delay and padding (36 ms each at 16 kHz).
    expect(info.kind === 'audio' ? Math.abs(info.durationSeconds - 2) : 1).toBeLessThan(0.15);
    // Two seconds of 16 kHz mono PCM16 are 64,000 bytes.
    expect(await converter.convert(flac, { to: 'wav', maxBytes: 60_000 })).toBeUndefined();
  });

  it('refuses bytes no decoder reads as invalid_media, with one clean line and no raw stderr', async () => {
    const error = await rejection(
      converter.convert(Buffer.from('OggS but not really an ogg stream at all'), {
        to: 'wav',
        maxBytes: MAX,
      }),
    );
    expect(error.code).toBe('invalid_media');
    expect(error.message).toMatch(/^The audio could not be decoded/);
    expect(error.message).not.toMatch(/\n|0x[0-9a-f]{6,}|\/tmp\//);
  });

  it('stops a conversion that outlasts its time limit', async () => {
    const slow = new FfmpegAudioConverter({ timeoutMs: 1 });
    const error = await rejection(
      slow.convert(makeAudio('flac', { seconds: 30 }), { to: 'wav', maxBytes: MAX }),
    );
    expect(error).toMatchObject({ code: 'conversion_timeout', retryable: false });
  });

  it('names a missing binary as audio_converter_unavailable', async () => {
    const missing = new FfmpegAudioConverter({ ffmpegPath: '/nonexistent/ffmpeg' });
    const error = await rejection(missing.convert(makeAudio('flac'), { to: 'wav', maxBytes: MAX }));
    expect(error.code).toBe('audio_converter_unavailable');
  });
});
