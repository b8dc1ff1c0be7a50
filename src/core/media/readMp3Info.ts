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

/** Bytes of zero padding tolerated between an ID3v2 tag and the first frame. */
const MAX_PADDING_SCAN = 4096;

/**
 * Duration from a Xing/Info or VBRI header when the first frame carries one (VBR files), else by walking every
 * frame. Each frame is at least 48 bytes, so the walk is bounded by the buffer length.
 */
export function readMp3Info(view: ByteView, start: number): AudioInfo {
  let offset = start;
  const limit = Math.min(view.length, start + MAX_PADDING_SCAN);
  while (offset < limit && view.u8(offset) === 0x00) offset += 1;
  const first = readMp3FrameHeader(view, offset);
  if (first === undefined) {
    throw invalidMedia(
      start > 0
        ? 'MP3 has an ID3 tag but no MPEG audio frame after it.'
        : 'MP3 frame header is corrupt or truncated.',
    );
  }
  const fromTag = durationFromVbrHeader(view, offset, first);
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
  const audioBytes = view.length - offset;
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

function durationFromVbrHeader(view: ByteView, offset: number, header: Mp3FrameHeader): number | undefined {
  // The Xing/Info tag follows the side information, whose size depends on version and channel count.
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = offset + 4 + sideInfo;
  const tag = view.ascii(xing, 4);
  let frames: number | undefined;
  if (tag === 'Xing' || tag === 'Info') {
    const flags = view.u32be(xing + 4);
    if (flags !== undefined && (flags & 0x01) !== 0) frames = view.u32be(xing + 8);
  } else if (view.ascii(offset + 36, 4) === 'VBRI') {
    frames = view.u32be(offset + 36 + 14);
  }
  return frames === undefined ? undefined : (frames * header.samplesPerFrame) / header.sampleRate;
}
