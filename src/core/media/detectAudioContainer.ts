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
  const window = (): string => latin1(bytes, 0, CODEC_SEARCH_BYTES);
  if (head.startsWith('OggS')) {
    const text = window();
    const codec = text.includes('OpusHead')
      ? 'opus'
      : text.includes('\x01vorbis')
        ? 'vorbis'
        : text.includes('\x7fFLAC')
          ? 'flac'
          : text.includes('Speex   ')
            ? 'speex'
            : undefined;
    return { format: 'ogg', mimeType: 'audio/ogg', ...(codec === undefined ? {} : { codec }) };
  }
  if (head.startsWith('\x1a\x45\xdf\xa3')) {
    const text = window();
    const codec = text.includes('A_OPUS')
      ? 'opus'
      : text.includes('A_VORBIS')
        ? 'vorbis'
        : text.includes('A_AAC')
          ? 'aac'
          : undefined;
    return { format: 'webm', mimeType: 'audio/webm', ...(codec === undefined ? {} : { codec }) };
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

function latin1(bytes: Uint8Array, start: number, count: number): string {
  return Buffer.from(
    bytes.buffer,
    bytes.byteOffset + start,
    Math.max(0, Math.min(count, bytes.length - start)),
  ).toString('latin1');
}
