import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import { inspectMedia } from '../../../src/core/media/inspectMedia';
import { bmp, encodeOther, heic } from '../../fixtures/imageKinds';
import { MP3_FRAME_SECONDS, encodeImage, gif, id3Tag, mp3Frames, wav } from './fixtures';

function errorOf(action: () => unknown): MediaCompletionsError {
  try {
    action();
  } catch (error) {
    if (error instanceof MediaCompletionsError) return error;
    throw error;
  }
  throw new Error('expected inspectMedia to throw');
}

describe('inspectMedia: images', () => {
  it.each([
    ['png', 320, 200],
    ['jpeg', 321, 199],
    ['gif', 17, 5],
    ['webp', 640, 480],
  ] as const)('reads %s dimensions from a real encoded file', async (format, width, height) => {
    const info = inspectMedia(await encodeImage(format, width, height));
    expect(info).toEqual({ kind: 'image', format, mimeType: `image/${format}`, width, height });
  });

  it('reads lossless WEBP (VP8L) and extended WEBP (VP8X)', async () => {
    expect(inspectMedia(await encodeImage('webp', 1000, 3, { lossless: true }))).toMatchObject({
      width: 1000,
      height: 3,
    });
    const vp8x = Buffer.alloc(30);
    vp8x.write('RIFF', 0, 'latin1');
    vp8x.write('WEBPVP8X', 8, 'latin1');
    vp8x.writeUIntLE(4999, 24, 3);
    vp8x.writeUIntLE(2999, 27, 3);
    expect(inspectMedia(vp8x)).toMatchObject({ format: 'webp', width: 5000, height: 3000 });
  });

  it('skips JPEG segments (APPn with any length) before the frame header', async () => {
    const jpeg = await encodeImage('jpeg', 64, 48);
    const app = Buffer.alloc(2 + 2 + 300);
    app.writeUInt16BE(0xffe5, 0);
    app.writeUInt16BE(302, 2);
    const withSegment = Buffer.concat([jpeg.subarray(0, 2), app, jpeg.subarray(2)]);
    expect(inspectMedia(withSegment)).toMatchObject({ width: 64, height: 48 });
  });

  it('reads a GIF whether still or animated: the converter counts frames, not the header reader', () => {
    expect(inspectMedia(gif(1, { loop: true }))).toMatchObject({ format: 'gif', width: 2, height: 3 });
    expect(inspectMedia(gif(3, { loop: true }))).toMatchObject({ format: 'gif', width: 2, height: 3 });
  });

  it('reports declared sizes as they are: the decode budget, not the header reader, refuses', async () => {
    const png = await encodeImage('png', 10, 10);
    const huge = Buffer.from(png);
    huge.writeUInt32BE(100000, 16);
    huge.writeUInt32BE(100000, 20);
    expect(inspectMedia(huge)).toMatchObject({ format: 'png', width: 100000, height: 100000 });
  });

  it.each([
    ['heic', () => Promise.resolve(heic()), 320, 240],
    ['avif', async () => encodeOther('avif', 300, 200), 300, 200],
    ['tiff', async () => encodeOther('tiff', 300, 200), 300, 200],
    ['bmp', async () => bmp(300, 200), 300, 200],
  ] as const)('recognises %s and reads its size from the header', async (format, make, width, height) => {
    expect(inspectMedia(await make())).toEqual({
      kind: 'image',
      format,
      mimeType: `image/${format}`,
      width,
      height,
    });
  });

  it('reads a big-endian TIFF header and a top-down BMP', async () => {
    // MM, 42, IFD at 8; two entries: ImageWidth (SHORT) 7, ImageLength (LONG) 5; no next IFD.
    const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4);
    tiff.write('MM\0*', 0, 'latin1');
    tiff.writeUInt32BE(8, 4);
    tiff.writeUInt16BE(2, 8);
    tiff.writeUInt16BE(256, 10);
    tiff.writeUInt16BE(3, 12);
    tiff.writeUInt32BE(1, 14);
    tiff.writeUInt16BE(7, 18);
    tiff.writeUInt16BE(257, 22);
    tiff.writeUInt16BE(4, 24);
    tiff.writeUInt32BE(1, 26);
    tiff.writeUInt32BE(5, 30);
    expect(inspectMedia(tiff)).toMatchObject({ format: 'tiff', width: 7, height: 5 });
    const topDown = Buffer.from(await bmp(6, 4));
    topDown.writeInt32LE(-4, 22);
    expect(inspectMedia(topDown)).toMatchObject({ format: 'bmp', width: 6, height: 4 });
  });

  it.each([
    ['PNG signature without IHDR', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['JPEG cut after SOI', Buffer.from([0xff, 0xd8, 0xff])],
    ['JPEG with SOS before SOF', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2])],
    ['JPEG with garbage instead of a marker', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x12, 0x34])],
    ['GIF header only', Buffer.from('GIF89a\x01\x00', 'latin1')],
    ['GIF without an image', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00\x3b', 'latin1')],
    ['WEBP without a chunk', Buffer.from('RIFF\x00\x00\x00\x00WEBP', 'latin1')],
    [
      'WEBP VP8 without start code',
      Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 \x10\x00\x00\x00' + '\x00'.repeat(16), 'latin1'),
    ],
  ])('rejects a recognised but broken file as invalid_media: %s', (_, bytes) => {
    expect(errorOf(() => inspectMedia(bytes)).code).toBe('invalid_media');
  });

  it('on every truncation of real images either reads the true size or throws a media error', async () => {
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      const bytes = await encodeImage(format, 40, 30);
      let rejected = 0;
      for (let length = 1; length < Math.min(bytes.length, 400); length += 1) {
        try {
          expect(inspectMedia(bytes.subarray(0, length))).toMatchObject({ width: 40, height: 30 });
        } catch (error) {
          expect(error).toBeInstanceOf(MediaCompletionsError);
          expect(['invalid_media', 'unsupported_media_type']).toContain(
            (error as MediaCompletionsError).code,
          );
          rejected += 1;
        }
      }
      expect(rejected).toBeGreaterThanOrEqual(12);
    }
  });
});

describe('inspectMedia: audio', () => {
  it('reads PCM WAV duration, rate and channels', () => {
    expect(inspectMedia(wav({ seconds: 2, sampleRate: 16000, channels: 1 }))).toEqual({
      kind: 'audio',
      format: 'wav',
      mimeType: 'audio/wav',
      durationSeconds: 2,
      sampleRate: 16000,
      channels: 1,
      bitrate: 256000,
    });
    expect(
      inspectMedia(wav({ seconds: 0.5, sampleRate: 44100, channels: 2, extraChunk: true })),
    ).toMatchObject({
      durationSeconds: 0.5,
      channels: 2,
      sampleRate: 44100,
    });
  });

  it('accepts IEEE float and WAVE_FORMAT_EXTENSIBLE PCM; names other codecs (valid files, converted later)', () => {
    expect(inspectMedia(wav({ formatTag: 3, bitsPerSample: 32 }))).toMatchObject({ durationSeconds: 1 });
    expect(inspectMedia(wav({ formatTag: 0xfffe, subFormat: 1 }))).toMatchObject({ durationSeconds: 1 });
    expect(inspectMedia(wav({ formatTag: 0x11 }))).toMatchObject({ codec: 'ima-adpcm' });
    expect(inspectMedia(wav({ formatTag: 7, bitsPerSample: 8, sampleRate: 8000 }))).toMatchObject({
      codec: 'mu-law',
      durationSeconds: 1,
      sampleRate: 8000,
    });
    expect(inspectMedia(wav({ formatTag: 0xfffe, subFormat: 0x55 }))).toMatchObject({ codec: 'mp3' });
  });

  it('reads RF64 and BW64 sizes from their ds64 chunk', () => {
    const plain = wav({ seconds: 1, sampleRate: 8000 });
    const ds64 = Buffer.alloc(8 + 28);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    ds64.writeUInt32LE(plain.length - 8, 8);
    ds64.writeUInt32LE(plain.length - 44, 16);
    for (const form of ['RF64', 'BW64']) {
      const rf64 = Buffer.concat([plain.subarray(0, 12), ds64, plain.subarray(12)]);
      rf64.write(form, 0, 'latin1');
      rf64.writeUInt32LE(0xffffffff, 4);
      rf64.writeUInt32LE(0xffffffff, rf64.length - 16000 - 4);
      expect(inspectMedia(rf64)).toMatchObject({
        format: 'wav',
        codec: form.toLowerCase(),
        durationSeconds: 1,
      });
    }
  });

  /** Issue 11 item 9: each header lies about the audio; none may produce a duration or a model call. */
  it.each([
    ['byte rate 1', (bytes: Buffer) => bytes.writeUInt32LE(1, 28), /byte rate of 1/],
    ['0 bits per sample', (bytes: Buffer) => bytes.writeUInt16LE(0, 34), /0 bits per sample/],
    ['65,535 channels', (bytes: Buffer) => bytes.writeUInt16LE(65535, 22), /65535 channels/],
    ['a 4 GHz sample rate', (bytes: Buffer) => bytes.writeUInt32LE(4_000_000_000, 24), /4000000000 Hz/],
    ['a block align of 0', (bytes: Buffer) => bytes.writeUInt16LE(0, 32), /block align of 0/],
  ])('refuses a WAV whose header declares %s as invalid_media', (_name, corrupt, message) => {
    const bytes = wav({ seconds: 1 });
    corrupt(bytes);
    const error = errorOf(() => inspectMedia(bytes));
    expect(error.code).toBe('invalid_media');
    expect(error.message).toMatch(message);
  });

  it('refuses a WAV whose data chunk is missing or empty', () => {
    expect(errorOf(() => inspectMedia(wav().subarray(0, 36))).message).toMatch(/no data chunk/);
    expect(errorOf(() => inspectMedia(wav({ samples: Buffer.alloc(0) }))).message).toMatch(/no audio/);
  });

  it('refuses MP3 claims the bytes cannot hold: a Xing count of 0xFFFFFFFF, a lone 4-byte header', () => {
    const xing = mp3Frames(1, { xingFrames: 0xffffffff });
    expect(xing.length).toBe(417);
    expect(errorOf(() => inspectMedia(xing)).code).toBe('invalid_media');
    expect(errorOf(() => inspectMedia(mp3Frames(2, { xingFrames: 0xffffffff }))).message).toMatch(
      /claims 4294967295 frames/,
    );
    const lone = errorOf(() => inspectMedia(Buffer.from([0xff, 0xfb, 0x90, 0x00])));
    expect(lone.code).toBe('invalid_media');
    expect(lone.message).toMatch(/two consecutive/);
  });

  it('uses the bytes present when a streamed WAV declares no data size', () => {
    const bytes = wav({ seconds: 1 });
    bytes.writeUInt32LE(0xffffffff, 40);
    expect(inspectMedia(bytes)).toMatchObject({ durationSeconds: 1 });
  });

  it('rejects WAV without fmt or data as invalid_media', () => {
    expect(errorOf(() => inspectMedia(Buffer.from('RIFF\x04\x00\x00\x00WAVE', 'latin1'))).code).toBe(
      'invalid_media',
    );
    const noData = wav().subarray(0, 36);
    expect(errorOf(() => inspectMedia(noData)).code).toBe('invalid_media');
  });

  it('walks bare MP3 frames to measure the duration', () => {
    const info = inspectMedia(mp3Frames(100));
    expect(info).toMatchObject({
      kind: 'audio',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      sampleRate: 44100,
      channels: 2,
    });
    expect(info.kind === 'audio' && info.durationSeconds).toBeCloseTo(100 * MP3_FRAME_SECONDS, 6);
    expect(info.kind === 'audio' && info.bitrate).toBe(128000);
  });

  it('skips an ID3v2 tag and uses a Xing header when present', () => {
    const info = inspectMedia(Buffer.concat([id3Tag(1000), mp3Frames(3, { xingFrames: 12 })]));
    expect(info.kind === 'audio' && info.durationSeconds).toBeCloseTo(12 * MP3_FRAME_SECONDS, 6);
  });

  it('finds the first frame past two ID3 tags, junk after a tag, or zero padding without a tag', () => {
    const frames = mp3Frames(20);
    const junk = Buffer.from('not audio, left by a tagger '.repeat(10), 'latin1');
    for (const bytes of [
      Buffer.concat([id3Tag(100), id3Tag(3000), frames]),
      Buffer.concat([id3Tag(100), junk, frames]),
      Buffer.concat([Buffer.alloc(1500), frames]),
    ]) {
      const info = inspectMedia(bytes);
      expect(info).toMatchObject({ format: 'mp3', sampleRate: 44100, channels: 2 });
      expect(info.kind === 'audio' && info.durationSeconds).toBeCloseTo(20 * MP3_FRAME_SECONDS, 6);
    }
  });

  it('names free-format MP3 as unsupported instead of listing its bytes', () => {
    const free = mp3Frames(3);
    for (let frame = 0; frame < 3; frame += 1) free[frame * 417 + 2] = 0x00;
    const error = errorOf(() => inspectMedia(free));
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toMatch(/Free-format MP3/);
  });

  it('names audio containers that must be converted', () => {
    const error = errorOf(() => inspectMedia(Buffer.from('OggS\x00\x02\x00\x00OpusHead', 'latin1')));
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toMatch(/OGG \(opus\) audio must be converted/);
  });

  it('rejects an ID3 tag with no frames after it as invalid_media', () => {
    expect(errorOf(() => inspectMedia(id3Tag(200))).code).toBe('invalid_media');
    expect(errorOf(() => inspectMedia(Buffer.from('ID3\x03', 'latin1'))).code).toBe('invalid_media');
  });

  it('stops the frame walk at an ID3v1 trailer', () => {
    const trailer = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125)]);
    const info = inspectMedia(Buffer.concat([mp3Frames(10), trailer]));
    expect(info.kind === 'audio' && info.durationSeconds).toBeCloseTo(10 * MP3_FRAME_SECONDS, 6);
  });
});

describe('inspectMedia: other input', () => {
  it('rejects 0 bytes as empty_blob', () => {
    expect(errorOf(() => inspectMedia(new Uint8Array(0))).code).toBe('empty_blob');
  });

  it.each([
    ['%PDF-1.7\n', /PDF document/],
    ['PK\x03\x04rest', /ZIP archive/],
    ['<!DOCTYPE html><html></html>', /HTML/],
    ['hello, this is plain text\n', /text/],
    ['\x00\x01\x02\x03\x04\x05\x06\x07\x08', /00 01 02 03 04 05 06 07/],
    ['RIFF\x00\x00\x00\x00AVI LIST', /RIFF/],
    ['\x00\x00\x01\x00\x01\x00\x10\x10', /ICO/],
  ])('names what it found in unsupported_media_type: %j', (content, expected) => {
    const error = errorOf(() => inspectMedia(Buffer.from(content, 'latin1')));
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toMatch(expected);
  });

  it('rejects a HEIC whose box tree ends before its size as invalid_media', () => {
    expect(errorOf(() => inspectMedia(Buffer.from('\x00\x00\x00\x18ftypheic', 'latin1'))).code).toBe(
      'invalid_media',
    );
  });

  it('finishes quickly on large random input (bounded time)', () => {
    let seed = 42;
    const bytes = new Uint8Array(4 * 1024 * 1024);
    for (let index = 0; index < bytes.length; index += 1) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[index] = seed & 0xff;
    }
    const prefixes = [
      [0xff, 0xd8, 0xff],
      [0xff, 0xfb, 0x90, 0x00],
      [...Buffer.from('GIF89a')],
      [...Buffer.from('RIFF')],
    ];
    const started = Date.now();
    for (const prefix of prefixes) {
      bytes.set(prefix, 0);
      try {
        inspectMedia(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(MediaCompletionsError);
      }
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
