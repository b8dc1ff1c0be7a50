import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { AudioInfo } from './MediaInfo';
import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

/** kbit/s for Layer III, indexed by the header's bitrate index; 0 is "free format" and 15 is forbidden. */
const BITRATES_MPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_MPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

export interface Mp3FrameHeader {
  version: 1 | 2 | 25;
  bitrate: number;
  sampleRate: number;
  channels: number;
  samplesPerFrame: number;
  frameLength: number;
}

/** Where the MPEG audio of an MP3 file starts. */
export interface Mp3Layout {
  /** ID3v2 tags in front of the audio (re-taggers sometimes leave two). */
  tags: number;
  /** Offset just past the last ID3v2 tag (0 without one). */
  tagsEnd: number;
  /** Offset of the first frame: followed by a second valid frame of the same stream. */
  firstFrame: number;
  first: Mp3FrameHeader;
}

/**
 * Bytes scanned past the ID3 tags for the first frame (padding, junk, the tail of a mis-sized tag). Encoders
 * and taggers leave at most a few KiB; the bound keeps the scan linear and stops it from finding a "frame" deep
 * inside unrelated data.
 */
export const MAX_MP3_SYNC_SCAN = 64 * 1024;

/** Parses one MPEG audio Layer III frame header at `offset`, or undefined when the four bytes are not one. */
export function readMp3FrameHeader(view: ByteView, offset: number): Mp3FrameHeader | undefined {
  const b1 = view.u8(offset + 1);
  const b2 = view.u8(offset + 2);
  const b3 = view.u8(offset + 3);
  if (view.u8(offset) !== 0xff || b1 === undefined || b2 === undefined || b3 === undefined) return undefined;
  if ((b1 & 0xe0) !== 0xe0 || ((b1 >> 1) & 0x03) !== 0x01) return undefined;
  const versionBits = (b1 >> 3) & 0x03;
  const rates = SAMPLE_RATES[versionBits];
  const sampleRate = rates?.[(b2 >> 2) & 0x03];
  const mpeg1 = versionBits === 3;
  const kbps = (mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[b2 >> 4];
  if (sampleRate === undefined || kbps === undefined || kbps === 0) return undefined;
  const padding = (b2 >> 1) & 0x01;
  const bitrate = kbps * 1000;
  return {
    version: mpeg1 ? 1 : versionBits === 2 ? 2 : 25,
    bitrate,
    sampleRate,
    channels: b3 >> 6 === 3 ? 1 : 2,
    samplesPerFrame: mpeg1 ? 1152 : 576,
    frameLength: Math.floor(((mpeg1 ? 144 : 72) * bitrate) / sampleRate) + padding,
  };
}

/** True when `offset` holds a Layer III header whose bitrate index is 0: "free format", no frame length. */
export function isFreeFormatMp3Header(view: ByteView, offset: number): boolean {
  const b1 = view.u8(offset + 1);
  const b2 = view.u8(offset + 2);
  if (view.u8(offset) !== 0xff || b1 === undefined || b2 === undefined) return false;
  const rates = SAMPLE_RATES[(b1 >> 3) & 0x03];
  return (
    (b1 & 0xe0) === 0xe0 &&
    ((b1 >> 1) & 0x03) === 0x01 &&
    b2 >> 4 === 0 &&
    rates?.[(b2 >> 2) & 0x03] !== undefined
  );
}

/** Offset just past the ID3v2 tags at `offset` (10-byte header, synchsafe size, a 10-byte footer when flagged). */
export function skipId3Tags(view: ByteView, offset = 0): { tags: number; end: number } {
  let end = offset;
  let tags = 0;
  while (view.ascii(end, 3) === 'ID3') {
    const flags = view.u8(end + 5);
    const sizeBytes = [view.u8(end + 6), view.u8(end + 7), view.u8(end + 8), view.u8(end + 9)];
    if (flags === undefined || sizeBytes.some((byte) => byte === undefined || byte > 0x7f)) {
      throw invalidMedia('MP3 ID3 tag header is truncated or corrupt.');
    }
    const size = sizeBytes.reduce<number>((total, byte) => total * 128 + (byte ?? 0), 0);
    end += 10 + size + ((flags & 0x10) !== 0 ? 10 : 0);
    tags += 1;
  }
  return { tags, end };
}

/**
 * Finds the first frame of an MP3: after any ID3v2 tags, the first offset within MAX_MP3_SYNC_SCAN bytes
 * where a valid Layer III header is followed, exactly one frame length later, by a second one of the same
 * version and sample rate (one lone header is 1 chance in a few thousand in arbitrary bytes; a pair is not).
 * Without a tag only zero padding may come first, so arbitrary files are not scanned for look-alike frames.
 *
 * @returns undefined when there is no ID3 tag and no frame pair at the first non-zero byte.
 * @throws MediaCompletionsError `invalid_media` (tag but no frame pair; a lone frame), `unsupported_media_type`
 *   naming free-format MP3 (no frame length to check; rare outside test suites).
 */
export function locateMp3Audio(view: ByteView): Mp3Layout | undefined {
  const { tags, end: tagsEnd } = skipId3Tags(view);
  const limit = Math.min(view.length - 3, tagsEnd + MAX_MP3_SYNC_SCAN);
  const { bytes } = view;
  let offset = tagsEnd;
  while (offset < limit && bytes[offset] === 0x00) offset += 1;
  const firstNonZero = offset;
  for (; offset < limit; offset += 1) {
    if (bytes[offset] === 0xff && ((bytes[offset + 1] ?? 0) & 0xe0) === 0xe0) {
      const first = readMp3FrameHeader(view, offset);
      if (first !== undefined && sameStream(first, readMp3FrameHeader(view, offset + first.frameLength))) {
        return { tags, tagsEnd, firstFrame: offset, first };
      }
    }
    if (tags === 0) break;
  }
  if (isFreeFormatMp3Header(view, firstNonZero)) throw freeFormat();
  if (tags === 0 && readMp3FrameHeader(view, firstNonZero) === undefined) return undefined;
  throw invalidMedia(
    tags > 0
      ? `MP3 has ${tags === 1 ? 'an ID3 tag' : `${tags} ID3 tags`} but no two consecutive MPEG audio frames after it.`
      : 'MP3 does not hold two consecutive valid MPEG audio frames: truncated or corrupt.',
  );
}

function sameStream(first: Mp3FrameHeader, next: Mp3FrameHeader | undefined): boolean {
  return next?.version === first.version && next.sampleRate === first.sampleRate;
}

function freeFormat(): MediaCompletionsError {
  return new MediaCompletionsError(
    'unsupported_media_type',
    'Free-format MP3 (frame headers without a bitrate, so no frame can be checked) is not supported: re-encode it at a standard bitrate.',
    { retryable: false },
  );
}

/**
 * Duration from a Xing/Info or VBRI header when the first frame carries one (VBR files), else by walking every
 * frame. Each frame is at least 24 bytes, so the walk is bounded by the buffer length. A frame count the bytes
 * cannot hold is a corrupt header, not a long file.
 *
 * @throws MediaCompletionsError `invalid_media`.
 */
export function readMp3Info(view: ByteView, layout: Mp3Layout): AudioInfo {
  const { firstFrame: offset, first } = layout;
  const audioBytes = view.length - offset;
  const fromTag = durationFromVbrHeader(view, offset, first, audioBytes);
  let durationSeconds = fromTag;
  if (durationSeconds === undefined) {
    let frames = 0;
    let position = offset;
    for (;;) {
      const header = readMp3FrameHeader(view, position);
      if (header?.sampleRate !== first.sampleRate) break;
      frames += 1;
      position += header.frameLength;
    }
    durationSeconds = (frames * first.samplesPerFrame) / first.sampleRate;
  }
  return {
    kind: 'audio',
    format: 'mp3',
    mimeType: 'audio/mpeg',
    durationSeconds,
    sampleRate: first.sampleRate,
    channels: first.channels,
    bitrate: fromTag !== undefined && fromTag > 0 ? Math.round((audioBytes * 8) / fromTag) : first.bitrate,
  };
}

/** The shortest frame this stream can have: the lowest bitrate of its MPEG version, no padding. */
function shortestFrame(header: Mp3FrameHeader): number {
  return header.version === 1
    ? Math.floor((144 * 32_000) / header.sampleRate)
    : Math.floor((72 * 8_000) / header.sampleRate);
}

function durationFromVbrHeader(
  view: ByteView,
  offset: number,
  header: Mp3FrameHeader,
  audioBytes: number,
): number | undefined {
  // The Xing/Info tag follows the side information, whose size depends on version and channel count.
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = offset + 4 + sideInfo;
  const tag = view.ascii(xing, 4);
  let frames: number | undefined;
  let name = 'Xing';
  if (tag === 'Xing' || tag === 'Info') {
    const flags = view.u32be(xing + 4);
    if (flags !== undefined && (flags & 0x01) !== 0) frames = view.u32be(xing + 8);
  } else if (view.ascii(offset + 36, 4) === 'VBRI') {
    name = 'VBRI';
    frames = view.u32be(offset + 36 + 14);
  }
  if (frames === undefined) return undefined;
  const atMost = Math.ceil(audioBytes / shortestFrame(header));
  if (frames > atMost) {
    throw invalidMedia(
      `MP3 ${name} header claims ${frames} frames; ${audioBytes} bytes of audio hold at most ${atMost}.`,
    );
  }
  return (frames * header.samplesPerFrame) / header.sampleRate;
}
