import type { AudioFormat } from './MediaInfo';

/** An audio file the model does not take as is, recognised by its signature; its duration comes from decoding. */
export interface AudioContainer {
  format: Exclude<AudioFormat, 'wav' | 'mp3'>;
  mimeType: string;
  /** The codec when the first bytes name it (`aac`, `opus`, `vorbis`, `flac`, `amr-nb`, `amr-wb`), else absent. */
  codec?: string;
}

/** How far into the file a codec name is looked for (the header of an Ogg or WebM stream, an MP4 `moov` up front). */
const CODEC_SEARCH_BYTES = 64 * 1024;

/** Markers of each codec's header packet in an Ogg stream, and of the codec ids in a Matroska/WebM track. */
const OGG_CODECS: readonly (readonly [string, string])[] = [
  ['OpusHead', 'opus'],
  ['\x01vorbis', 'vorbis'],
  ['\x7fFLAC', 'flac'],
  ['Speex   ', 'speex'],
];
const MATROSKA_CODECS: readonly (readonly [string, string])[] = [
  ['A_OPUS', 'opus'],
  ['A_VORBIS', 'vorbis'],
  ['A_AAC', 'aac'],
];

/** Brands of ISO media files (MP4/M4A/3GP) that may hold audio; HEIF/AVIF brands are images. */
const IMAGE_BRANDS = /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1|avif|avis)$/;

/**
 * Recognises the audio containers users have (m4a voice memos, ogg/webm from browsers and messengers, FLAC,
 * AMR from phones) from their first bytes, without decoding. Returns undefined for anything else.
 */
export function detectAudioContainer(bytes: Uint8Array): AudioContainer | undefined {
  const head = latin1(bytes, 0, 64);
  if (head.startsWith('fLaC')) return { format: 'flac', mimeType: 'audio/flac', codec: 'flac' };
  if (head.startsWith('#!AMR-WB\n')) return { format: 'amr', mimeType: 'audio/amr-wb', codec: 'amr-wb' };
  if (head.startsWith('#!AMR\n')) return { format: 'amr', mimeType: 'audio/amr', codec: 'amr-nb' };
  if (head.startsWith('OggS')) return { format: 'ogg', mimeType: 'audio/ogg', ...codecIn(bytes, OGG_CODECS) };
  if (head.startsWith('\x1a\x45\xdf\xa3')) {
    return { format: 'webm', mimeType: 'audio/webm', ...codecIn(bytes, MATROSKA_CODECS) };
  }
  if (head.slice(4, 8) === 'ftyp' && !IMAGE_BRANDS.test(head.slice(8, 12))) {
    return { format: 'm4a', mimeType: 'audio/mp4', ...mp4Codec(bytes) };
  }
  return undefined;
}

/** The first sample entry of an MP4's first `stsd` box: `mp4a` is AAC, `samr` AMR, `Opus`, `alac`, `fLaC`. */
function mp4Codec(bytes: Uint8Array): { codec?: string } {
  const stsd = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('stsd', 0, 'latin1');
  if (stsd < 0) return {};
  const entry = latin1(bytes, stsd + 16, 4);
  const names: Readonly<Record<string, string>> = {
    mp4a: 'aac',
    samr: 'amr-nb',
    sawb: 'amr-wb',
    Opus: 'opus',
    alac: 'alac',
    fLaC: 'flac',
    'ac-3': 'ac3',
    'ec-3': 'eac3',
  };
  const codec = names[entry];
  return codec === undefined ? {} : { codec };
}

/** The first codec whose marker appears in the stream's first bytes. */
function codecIn(bytes: Uint8Array, markers: readonly (readonly [string, string])[]): { codec?: string } {
  const text = latin1(bytes, 0, CODEC_SEARCH_BYTES);
  const found = markers.find(([marker]) => text.includes(marker));
  return found === undefined ? {} : { codec: found[1] };
}

function latin1(bytes: Uint8Array, start: number, count: number): string {
  return Buffer.from(
    bytes.buffer,
    bytes.byteOffset + start,
    Math.max(0, Math.min(count, bytes.length - start)),
  ).toString('latin1');
}
