import type { AudioInfo } from './MediaInfo';
import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const A_LAW = 0x0006;
const MU_LAW = 0x0007;
const EXTENSIBLE = 0xfffe;
/** A 32-bit size that means "see the ds64 chunk" (RF64/BW64) or "unknown" (a WAV written to a pipe). */
const UNKNOWN_SIZE = 0xffffffff;

/** Names of the WAV codecs users meet (telephony, recorders, old Windows tools), by format tag. */
const CODECS: Readonly<Record<number, string>> = {
  0x0002: 'ms-adpcm',
  [A_LAW]: 'a-law',
  [MU_LAW]: 'mu-law',
  0x0011: 'ima-adpcm',
  0x0031: 'gsm',
  0x0045: 'g726',
  0x0050: 'mpeg',
  0x0055: 'mp3',
};

/** Plausible ranges: telephony's 8 kHz down to 1 kHz, studio 384 kHz up; 7.1.4 and ambisonic beds fit 32 channels. */
const MIN_SAMPLE_RATE = 1_000;
const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 32;
/** Codecs with one fixed sample size: bits per sample allowed, block align and byte rate follow from them. */
const FIXED_SIZES: Readonly<Record<number, readonly number[]>> = {
  [PCM]: [8, 16, 24, 32],
  [IEEE_FLOAT]: [32, 64],
  [A_LAW]: [8],
  [MU_LAW]: [8],
};

/** Where the parts of a RIFF/WAVE (or RF64/BW64) file are, with its `fmt ` fields checked against each other. */
export interface WavLayout {
  form: 'RIFF' | 'RF64' | 'BW64';
  /** The effective format tag: the SubFormat's for WAVE_FORMAT_EXTENSIBLE. */
  formatTag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  fmtOffset: number;
  fmtSize: number;
  dataOffset: number;
  /** Audio bytes present: the declared size, or what the file holds when the size is unknown or too large. */
  dataBytes: number;
  /** False when the data chunk's size field is 0, 0xFFFFFFFF or larger than the file: a streamed header. */
  dataSizeDeclared: boolean;
  /** Seconds of audio: from whole blocks for PCM, float and G.711; for compressed codecs from the `fact`
   * chunk's sample count or ADPCM's samples per block when they fit the bytes, else from the byte rate. */
  durationSeconds: number;
}

/** True for PCM and IEEE float WAV: what "wav" means to the model; other codecs are converted first. */
export function isLinearWav(layout: WavLayout): boolean {
  return layout.formatTag === PCM || layout.formatTag === IEEE_FLOAT;
}

/** The codec's short name for a non-linear WAV (`mu-law`, `ima-adpcm`, `0x1234` when unnamed). */
export function wavCodecName(formatTag: number): string {
  return CODECS[formatTag] ?? `0x${formatTag.toString(16).padStart(4, '0')}`;
}

/** True when the format tag names a codec the converter is expected to decode. */
export function isKnownWavCodec(formatTag: number): boolean {
  return formatTag === PCM || formatTag === IEEE_FLOAT || CODECS[formatTag] !== undefined;
}

/**
 * Reads the chunks of a RIFF/WAVE file (RF64 and BW64 too: sizes from their `ds64` chunk) and checks the
 * `fmt ` fields against each other and against the bytes present, so that a header cannot claim more audio
 * than the file holds: byte rate = sample rate × block align for PCM, float and G.711; plausible rates,
 * channel counts and sample sizes; a data chunk with at least one block.
 *
 * @throws MediaCompletionsError `invalid_media` naming the inconsistent field.
 */
export function readWavLayout(view: ByteView): WavLayout {
  const form = view.ascii(0, 4);
  if ((form !== 'RIFF' && form !== 'RF64' && form !== 'BW64') || view.ascii(8, 4) !== 'WAVE') {
    throw invalidMedia('WAV header is truncated or corrupt.');
  }
  let format: FmtFields | undefined;
  let ds64DataBytes: number | undefined;
  let factSamples: number | undefined;
  let offset = 12;
  while (view.has(offset, 8)) {
    const id = view.ascii(offset, 4);
    const size = view.u32le(offset + 4) ?? 0;
    const body = offset + 8;
    if (id === 'ds64' && form !== 'RIFF') {
      const low = view.u32le(body + 8);
      const high = view.u32le(body + 12);
      if (low === undefined || high === undefined) throw invalidMedia('WAV ds64 chunk is truncated.');
      ds64DataBytes = high * 2 ** 32 + low;
    } else if (id === 'fmt ') {
      format = { ...readFormat(view, body, size), fmtOffset: body, fmtSize: size };
    } else if (id === 'fact' && size >= 4) {
      factSamples = view.u32le(body);
    } else if (id === 'data') {
      if (format === undefined) throw invalidMedia('WAV data chunk comes before its fmt chunk.');
      const available = view.length - body;
      const declared = size === UNKNOWN_SIZE && ds64DataBytes !== undefined ? ds64DataBytes : size;
      const dataSizeDeclared = declared !== 0 && declared !== UNKNOWN_SIZE && declared <= available;
      // Streamed WAVs declare 0 or 0xFFFFFFFF; a truncated one declares more than it holds: use what is there.
      const dataBytes = dataSizeDeclared ? declared : available;
      if (dataBytes < format.blockAlign) throw invalidMedia('WAV data chunk holds no audio.');
      const durationSeconds = durationOf(format, dataBytes, factSamples);
      return { form, ...format, dataOffset: body, dataBytes, dataSizeDeclared, durationSeconds };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw invalidMedia(
    format === undefined ? 'WAV has no fmt chunk: truncated or corrupt.' : 'WAV has no data chunk.',
  );
}

/**
 * Duration, rate and channels of a WAV file; `codec` names anything other than PCM or IEEE float in RIFF.
 *
 * @throws MediaCompletionsError `invalid_media` (see readWavLayout).
 */
export function readWavInfo(view: ByteView): AudioInfo {
  const layout = readWavLayout(view);
  const codec = isLinearWav(layout) ? undefined : wavCodecName(layout.formatTag);
  const container = layout.form === 'RIFF' ? undefined : layout.form.toLowerCase();
  const named = [
    codec,
    container === undefined ? undefined : codec === undefined ? container : `(${container})`,
  ];
  const description = named.filter((part) => part !== undefined).join(' ');
  return {
    kind: 'audio',
    format: 'wav',
    mimeType: 'audio/wav',
    ...(description === '' ? {} : { codec: description }),
    durationSeconds: layout.durationSeconds,
    sampleRate: layout.sampleRate,
    channels: layout.channels,
    bitrate: layout.byteRate * 8,
  };
}

type FmtFields = Pick<
  WavLayout,
  'formatTag' | 'channels' | 'sampleRate' | 'byteRate' | 'blockAlign' | 'fmtOffset' | 'fmtSize'
> & { samplesPerBlock: number | undefined };

/** Bits per sample and channel below which no codec goes (the byte-rate and `fact` plausibility floor). */
const MIN_BITS_PER_SAMPLE = 1 / 8;

function durationOf(format: FmtFields, dataBytes: number, factSamples: number | undefined): number {
  const { formatTag, sampleRate, channels, blockAlign, samplesPerBlock } = format;
  if (FIXED_SIZES[formatTag] !== undefined) return Math.floor(dataBytes / blockAlign) / sampleRate;
  // A sample count the bytes could not hold is ignored, not believed.
  const mostSamples = (dataBytes * 8) / (MIN_BITS_PER_SAMPLE * channels);
  const blocks = Math.ceil(dataBytes / blockAlign);
  const fromBlocks = samplesPerBlock === undefined ? undefined : blocks * samplesPerBlock;
  const candidates = [factSamples, fromBlocks].filter(
    (samples): samples is number => samples !== undefined && samples > 0 && samples <= mostSamples,
  );
  const [samples] = candidates;
  return samples === undefined ? dataBytes / format.byteRate : samples / sampleRate;
}

function readFormat(view: ByteView, body: number, size: number): Omit<FmtFields, 'fmtOffset' | 'fmtSize'> {
  const formatTag = view.u16le(body);
  const channels = view.u16le(body + 2);
  const sampleRate = view.u32le(body + 4);
  const byteRate = view.u32le(body + 8);
  const blockAlign = view.u16le(body + 12);
  const bits = view.u16le(body + 14);
  if (size < 16 || [formatTag, channels, sampleRate, byteRate, blockAlign, bits].includes(undefined)) {
    throw invalidMedia('WAV fmt chunk is truncated.');
  }
  // In WAVE_FORMAT_EXTENSIBLE the real format is the first two bytes of the SubFormat GUID at offset 24.
  const tag = (formatTag === EXTENSIBLE && size >= 40 ? view.u16le(body + 24) : formatTag) ?? 0;
  const fields = {
    formatTag: tag,
    channels: channels ?? 0,
    sampleRate: sampleRate ?? 0,
    byteRate: byteRate ?? 0,
    blockAlign: blockAlign ?? 0,
  };
  checkFormat(fields, bits ?? 0);
  // MS and IMA ADPCM state their samples per block after cbSize.
  const adpcm = (tag === 0x0002 || tag === 0x0011) && size >= 20;
  const perBlock = adpcm ? view.u16le(body + 18) : undefined;
  return { ...fields, samplesPerBlock: perBlock === undefined || perBlock === 0 ? undefined : perBlock };
}

/** Every check that would let a header claim audio the bytes do not hold, or that no device produces. */
function checkFormat(
  format: Omit<FmtFields, 'fmtOffset' | 'fmtSize' | 'samplesPerBlock'>,
  bits: number,
): void {
  const { formatTag, channels, sampleRate, byteRate, blockAlign } = format;
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw invalidMedia(`WAV declares ${channels} channels; expected 1 to ${MAX_CHANNELS}.`);
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw invalidMedia(
      `WAV declares a sample rate of ${sampleRate} Hz; expected ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}.`,
    );
  }
  if (blockAlign < 1) throw invalidMedia('WAV declares a block align of 0.');
  const sizes = FIXED_SIZES[formatTag];
  if (sizes !== undefined) {
    if (!sizes.includes(bits) && !(formatTag === PCM && bits > 0 && bits <= 32)) {
      throw invalidMedia(
        `WAV (${formatTag === PCM ? 'PCM' : wavCodecName(formatTag)}) declares ${bits} bits per sample.`,
      );
    }
    const expectedAlign = channels * Math.ceil(bits / 8);
    if (blockAlign !== expectedAlign) {
      throw invalidMedia(
        `WAV declares a block align of ${blockAlign}; ${channels} channels of ${bits} bits need ${expectedAlign}.`,
      );
    }
    if (byteRate !== sampleRate * blockAlign) {
      throw invalidMedia(
        `WAV declares a byte rate of ${byteRate}; sample rate × block align is ${sampleRate * blockAlign}.`,
      );
    }
    return;
  }
  // Compressed codecs: the byte rate is an average, but between 1/8 and 64 bits per sample and channel.
  const perSecond = sampleRate * channels;
  if (byteRate < (perSecond * MIN_BITS_PER_SAMPLE) / 8 || byteRate > perSecond * 8) {
    throw invalidMedia(
      `WAV (${wavCodecName(formatTag)}) declares a byte rate of ${byteRate}, implausible at ${sampleRate} Hz × ${channels} channels.`,
    );
  }
}
