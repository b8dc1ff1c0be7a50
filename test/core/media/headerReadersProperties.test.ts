import fc from 'fast-check';
import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import { ByteView } from '../../../src/core/media/ByteView';
import { describeUnknownBytes } from '../../../src/core/media/describeUnknownBytes';
import { inspectMedia } from '../../../src/core/media/inspectMedia';
import type { MediaInfo } from '../../../src/core/media/MediaInfo';
import { readBmpSize } from '../../../src/core/media/readBmpSize';
import { readGifSize } from '../../../src/core/media/readGifSize';
import { heifBrand, readHeifSize } from '../../../src/core/media/readHeifInfo';
import { readJpegSize } from '../../../src/core/media/readJpegSize';
import { locateMp3Audio, readMp3FrameHeader, readMp3Info } from '../../../src/core/media/readMp3Info';
import { readPngSize } from '../../../src/core/media/readPngSize';
import { readTiffSize } from '../../../src/core/media/readTiffSize';
import { readWavInfo, readWavLayout } from '../../../src/core/media/readWavInfo';
import { readWebpSize } from '../../../src/core/media/readWebpSize';
import { png } from '../../fixtures/badInputs';
import { encodeImage, gif, id3Tag, mp3Frames, wav } from './fixtures';

/** Fixed seed: a failure reproduces; fast-check prints the counterexample and the path to it. */
const SEED = 20261125;
const RUNS = 2500;

/**
 * A ByteView that counts bounds checks: every read goes through `has`, so the count is the work a reader did.
 * Asserting it stays linear in the input length is a time bound that does not depend on machine load.
 */
class CountingView extends ByteView {
  checks = 0;

  override has(offset: number, count: number): boolean {
    this.checks += 1;
    return super.has(offset, count);
  }
}

/** Linear work: a constant number of reads per byte, plus a fixed header budget. */
const maxChecks = (length: number): number => 8 * length + 256;

type Reader = (view: ByteView) => unknown;

const READERS: readonly [string, Reader][] = [
  ['readPngSize', readPngSize],
  ['readJpegSize', readJpegSize],
  ['readGifSize', readGifSize],
  ['readWebpSize', readWebpSize],
  ['readWavInfo', readWavInfo],
  ['readWavLayout', readWavLayout],
  ['locateMp3Audio', locateMp3Audio],
  [
    'readMp3Info',
    (view) => {
      const layout = locateMp3Audio(view);
      return layout === undefined ? undefined : readMp3Info(view, layout);
    },
  ],
  ['readMp3FrameHeader', (view) => readMp3FrameHeader(view, 0)],
  ['readTiffSize', readTiffSize],
  ['readBmpSize', readBmpSize],
  ['readHeifSize', readHeifSize],
  ['heifBrand', heifBrand],
];

function expectSaneSize(value: unknown): void {
  const size = value as { width: number; height: number };
  expect(Number.isSafeInteger(size.width) && size.width > 0).toBe(true);
  expect(Number.isSafeInteger(size.height) && size.height > 0).toBe(true);
}

/** The lowest MPEG audio bitrate (MPEG-2/2.5 at 8 kbit/s): no MP3 holds more seconds per byte than this allows. */
const MIN_MP3_BITS_PER_SECOND = 8000;
/** The longest MPEG Layer III frame in seconds (576 samples at 8 kHz): a partial frame may count in full. */
const LONGEST_MP3_FRAME_SECONDS = 576 / 8000;

/** Issue 11 item 9: a reported duration never exceeds what the file's bytes can hold. */
function expectDurationWithinBytes(info: MediaInfo, length: number): void {
  if (info.kind !== 'audio') return;
  if (info.format === 'mp3') {
    expect(info.durationSeconds).toBeLessThanOrEqual(
      (length * 8) / MIN_MP3_BITS_PER_SECOND + LONGEST_MP3_FRAME_SECONDS,
    );
  } else if (info.codec === undefined) {
    // PCM and float: every second takes a full byte rate.
    expect(info.durationSeconds * ((info.bitrate ?? 0) / 8)).toBeLessThanOrEqual(length);
  } else {
    // Any codec: at least 1/8 bit per sample and channel.
    expect(info.durationSeconds).toBeLessThanOrEqual((length * 8 * 8) / (info.sampleRate * info.channels));
  }
}

function isAudioInfo(value: unknown): value is MediaInfo {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'audio';
}

function expectSaneInfo(info: MediaInfo, length: number): void {
  expectDurationWithinBytes(info, length);
  if (info.kind === 'image') {
    expectSaneSize(info);
    expect(info.width * info.height).toBeLessThanOrEqual(100_000_000);
    expect(info.mimeType).toBe(`image/${info.format}`);
  } else {
    expect(Number.isFinite(info.durationSeconds) && info.durationSeconds >= 0).toBe(true);
    expect(info.sampleRate).toBeGreaterThan(0);
    expect(info.channels).toBeGreaterThan(0);
  }
}

/** Runs `action`; it must return or throw a MediaCompletionsError that is not retryable (a broken file stays broken). */
function outcome<T>(action: () => T): T | MediaCompletionsError {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof MediaCompletionsError)) throw error;
    expect(error.retryable).toBe(false);
    expect(['empty_blob', 'invalid_media', 'unsupported_media_type', 'media_too_large_pixels']).toContain(
      error.code,
    );
    return error;
  }
}

/** Arbitrary bytes, biased towards short inputs where header edge cases live. */
const anyBytes = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
);

describe('header readers on arbitrary bytes', () => {
  it.each(READERS)('%s returns a result or throws invalid_media, with linear work', (_name, reader) => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const view = new CountingView(bytes);
        const result = outcome(() => reader(view));
        if (isAudioInfo(result)) expectDurationWithinBytes(result, bytes.length);
        if (
          !(result instanceof MediaCompletionsError) &&
          result !== undefined &&
          'width' in (result as object)
        ) {
          expectSaneSize(result);
        }
        expect(view.checks).toBeLessThanOrEqual(maxChecks(bytes.length));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('describeUnknownBytes always answers a short description', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const description = describeUnknownBytes(bytes);
        expect(description.length).toBeGreaterThan(0);
        expect(description.length).toBeLessThanOrEqual(80);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

/** A byte-level mutation: overwrite, insert or delete at a position given as a fraction of the length. */
type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    value: fc.constantFrom(0x00, 0xff, 0x2c, 0x21, 0x3b, 0x7f, 0x80),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    count: fc.integer({ min: 1, max: 16 }),
  }),
);

function mutate(valid: Buffer, mutations: readonly Mutation[], keep: number): Uint8Array {
  const bytes = [...valid];
  for (const change of mutations) {
    // Most damage lands in the first 64 bytes, where the headers are.
    const at = Math.floor(change.at * Math.min(bytes.length, 64));
    if (change.kind === 'set') bytes[at] = change.value;
    else if (change.kind === 'insert') bytes.splice(at, 0, change.value);
    else bytes.splice(at, change.count);
  }
  return Uint8Array.from(bytes.slice(0, Math.max(0, Math.ceil(keep * bytes.length))));
}

describe('inspectMedia on mutated valid files', () => {
  let valid: [string, Buffer][] = [];

  beforeAll(async () => {
    valid = [
      ['png (hand-made)', png(3, 2)],
      ['png (libvips)', await encodeImage('png', 7, 5)],
      ['jpeg', await encodeImage('jpeg', 9, 4)],
      ['gif', gif(1, { loop: true })],
      ['webp lossy', await encodeImage('webp', 6, 6)],
      ['webp lossless', await encodeImage('webp', 5, 3, { lossless: true })],
      ['wav', wav({ seconds: 0.01, extraChunk: true })],
      ['wav extensible', wav({ seconds: 0.01, formatTag: 0xfffe, subFormat: 1 })],
      ['mp3', mp3Frames(3)],
      ['mp3 with ID3 and Xing', Buffer.concat([id3Tag(20), mp3Frames(2, { xingFrames: 8 })])],
      [
        'mp3 with two ID3 tags and padding',
        Buffer.concat([id3Tag(20), id3Tag(12), Buffer.alloc(9), mp3Frames(3)]),
      ],
      ['mp3 with leading zeros', Buffer.concat([Buffer.alloc(30), mp3Frames(3)])],
      ['wav mu-law', wav({ seconds: 0.01, formatTag: 7, bitsPerSample: 8, sampleRate: 8000 })],
      ['wav ima-adpcm', wav({ seconds: 0.01, formatTag: 0x11 })],
    ];
  });

  it('every valid file is recognised before mutation (the mutations start from real headers)', () => {
    for (const [, bytes] of valid) expectSaneInfo(inspectMedia(bytes), bytes.length);
  });

  // Bounded work is pinned deterministically below (reads counted per byte), never by a clock.
  it('returns a sane MediaInfo or throws a non-retryable media error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (index, mutations, keep) => {
          const [, original] = valid[index] ?? ['', Buffer.alloc(0)];
          const bytes = mutate(original, mutations, keep);
          const result = outcome(() => inspectMedia(bytes));
          if (!(result instanceof MediaCompletionsError)) expectSaneInfo(result, bytes.length);
        },
      ),
      { numRuns: 4000, seed: SEED },
    );
  });

  it('on arbitrary bytes behind each real header, the work stays linear in the length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.integer({ min: 0, max: 80 }),
        fc.uint8Array({ maxLength: 8192 }),
        (index, headerBytes, tail) => {
          const [, original] = valid[index] ?? ['', Buffer.alloc(0)];
          const bytes = Uint8Array.from([...original.subarray(0, headerBytes), ...tail]);
          for (const [, reader] of READERS) {
            const view = new CountingView(bytes);
            outcome(() => reader(view));
            expect(view.checks).toBeLessThanOrEqual(maxChecks(bytes.length));
          }
        },
      ),
      { numRuns: 2000, seed: SEED },
    );
  });
});
