import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { AudioConverter } from '../ports/AudioConverter';
import type { SentMedia } from '../completion/SentMedia';
import { ByteView } from './ByteView';
import type { AudioContainer } from './detectAudioContainer';
import { inspectMedia } from './inspectMedia';
import type { AudioInfo } from './MediaInfo';
import { locateMp3Audio } from './readMp3Info';
import { isKnownWavCodec, isLinearWav, readWavLayout, wavCodecName, type WavLayout } from './readWavInfo';
import { rewrapWav } from './rewrapWav';

/** The service's limit for one audio message (bytes, before base64). */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;
/** `MEDIA_AUDIO_COMPACT`: the rate the GPT-4o Realtime API takes; audio is billed by duration, not rate. */
export const COMPACT_SAMPLE_RATE = 24_000;

/** Stored audio: inspected (WAV, MP3) or only recognised (a container whose duration comes from decoding). */
export type StoredAudio =
  { bytes: Uint8Array; info: AudioInfo } | { bytes: Uint8Array; container: AudioContainer };

export interface PrepareAudioOptions {
  /** Absent: only WAV and MP3 that need no decoding can be sent. */
  audio: AudioConverter | undefined;
  /** Resample WAV above 24 kHz to 24 kHz (channels kept). */
  compact: boolean;
}

export interface PreparedAudio {
  /** What was stored (for a container, duration, rate and channels as decoded). */
  media: AudioInfo;
  /** What is sent: WAV or MP3. */
  item: { bytes: Uint8Array; info: AudioInfo };
  sent: SentMedia;
}

/**
 * Turns stored audio into what the service accepts: PCM or float WAV and clean MP3 are sent byte for byte;
 * an MP3 whose first frame hides behind extra tags, padding or junk is sent from its first frame; RF64/BW64 and
 * WAVs with streamed (unknown) sizes are re-wrapped with true sizes; other codecs (µ-law, A-law, ADPCM, ...)
 * and containers (m4a, ogg, webm, FLAC, AMR) are decoded to PCM16 WAV — or MP3 when the WAV
 * would pass the 20 MB limit (a stored WAV over that limit too). With `compact`, WAV above 24 kHz is resampled
 * to 24 kHz.
 *
 * @throws MediaCompletionsError `unsupported_media_type` (no converter, or a WAV codec nobody decodes),
 *   `invalid_media` (the decoder cannot read it), `too_large` (over 20 MB even as MP3), and the converter's.
 */
export async function prepareAudioForModel(
  stored: StoredAudio,
  options: PrepareAudioOptions,
): Promise<PreparedAudio> {
  if ('container' in stored) return decodeContainer(stored.bytes, stored.container, options);
  const { bytes, info } = stored;
  const view = new ByteView(bytes);
  if (info.format === 'mp3') {
    const layout = locateMp3Audio(view);
    if (
      layout === undefined ||
      layout.firstFrame === 0 ||
      (layout.tags === 1 && layout.firstFrame === layout.tagsEnd)
    ) {
      return untouched(bytes, info);
    }
    const junk = layout.firstFrame - layout.tagsEnd;
    const why = [
      layout.tags > 1 ? `${layout.tags} ID3 tags` : undefined,
      junk > 0 ? `${junk} bytes before the first frame` : undefined,
    ].filter((part) => part !== undefined);
    // Tags carry no audio: starting at the first frame, any decoder reads the stream.
    return sending(info, bytes.subarray(layout.firstFrame), `mp3 (${why.join(', ')})`);
  }
  const layout = readWavLayout(view);
  const resample = options.compact && layout.sampleRate > COMPACT_SAMPLE_RATE;
  const rewrapped = layout.form !== 'RIFF' || !layout.dataSizeDeclared;
  // Past the service's limit per audio message (MEDIA_MAX_BYTES may allow more): sent as MP3 instead.
  const oversized = bytes.length > MAX_AUDIO_BYTES;
  const from = oversized
    ? `wav (over ${MAX_AUDIO_BYTES} bytes)`
    : `wav (${wavSourceName(layout, rewrapped)})`;
  if (isLinearWav(layout) && !resample && !oversized) {
    return rewrapped ? sending(info, rewrapWav(bytes, layout), from) : untouched(bytes, info);
  }
  if (!isKnownWavCodec(layout.formatTag)) {
    throw new MediaCompletionsError(
      'unsupported_media_type',
      `WAV with codec ${wavCodecName(layout.formatTag)} is not supported: only PCM, IEEE float, mu-law, A-law, ADPCM, GSM and MPEG WAV are converted.`,
      { retryable: false },
    );
  }
  const converter = requireConverter(options, `WAV (${wavCodecName(layout.formatTag)})`);
  // The decoder reads plain RIFF; RF64/BW64 and unknown sizes are re-wrapped first.
  const source = rewrapped ? rewrapWav(bytes, layout) : bytes;
  const converted = await convertWithin(converter, source, resample ? COMPACT_SAMPLE_RATE : undefined);
  return sending(info, converted, from);
}

async function decodeContainer(
  bytes: Uint8Array,
  container: AudioContainer,
  options: PrepareAudioOptions,
): Promise<PreparedAudio> {
  const codec = container.codec ?? 'unknown codec';
  const from = codec === container.format ? codec : `${container.format} (${codec})`;
  const converter = requireConverter(options, from.toUpperCase());
  // Decoded at the source's own rate first: that gives what was stored its true rate, channels and duration.
  const decoded = await convertWithin(converter, bytes, undefined);
  const decodedInfo = audioInfoOf(decoded);
  const media: AudioInfo = {
    kind: 'audio',
    format: container.format,
    mimeType: container.mimeType,
    ...(container.codec === undefined ? {} : { codec: container.codec }),
    durationSeconds: decodedInfo.durationSeconds,
    sampleRate: decodedInfo.sampleRate,
    channels: decodedInfo.channels,
  };
  const resample =
    options.compact && decodedInfo.format === 'wav' && decodedInfo.sampleRate > COMPACT_SAMPLE_RATE;
  const sent = resample ? await convertWithin(converter, decoded, COMPACT_SAMPLE_RATE) : decoded;
  return sending(media, sent, from);
}

/** PCM16 WAV within the service's limit, else MP3 within it. */
async function convertWithin(
  converter: AudioConverter,
  bytes: Uint8Array,
  sampleRate: number | undefined,
): Promise<Uint8Array> {
  const rate = sampleRate === undefined ? {} : { sampleRate };
  const wav = await converter.convert(bytes, { to: 'wav', maxBytes: MAX_AUDIO_BYTES, ...rate });
  if (wav !== undefined) return wav;
  const mp3 = await converter.convert(bytes, { to: 'mp3', maxBytes: MAX_AUDIO_BYTES, ...rate });
  if (mp3 !== undefined) return mp3;
  throw new MediaCompletionsError(
    'too_large',
    `The audio is longer than fits in the service's ${MAX_AUDIO_BYTES} bytes per audio message, even as MP3.`,
    { retryable: false },
  );
}

function requireConverter(options: PrepareAudioOptions, what: string): AudioConverter {
  if (options.audio !== undefined) return options.audio;
  throw new MediaCompletionsError(
    'unsupported_media_type',
    `${what} audio must be converted to WAV or MP3 first, and no audio converter is configured.`,
    { retryable: false },
  );
}

function wavSourceName(layout: WavLayout, rewrapped: boolean): string {
  const parts = [
    isLinearWav(layout) ? undefined : wavCodecName(layout.formatTag),
    layout.form === 'RIFF' ? undefined : layout.form.toLowerCase(),
    layout.form === 'RIFF' && rewrapped ? 'streamed header' : undefined,
    isLinearWav(layout) && layout.form === 'RIFF' && !rewrapped ? `${layout.sampleRate} Hz` : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

function audioInfoOf(bytes: Uint8Array): AudioInfo {
  const info = inspectMedia(bytes);
  if (info.kind !== 'audio') throw new TypeError('The audio converter returned something other than audio.');
  return info;
}

function untouched(bytes: Uint8Array, info: AudioInfo): PreparedAudio {
  return { media: info, item: { bytes, info }, sent: sentOf(bytes, info, undefined) };
}

function sending(media: AudioInfo, bytes: Uint8Array, from: string): PreparedAudio {
  const info = audioInfoOf(bytes);
  return { media, item: { bytes, info }, sent: sentOf(bytes, info, from) };
}

function sentOf(bytes: Uint8Array, info: AudioInfo, from: string | undefined): SentMedia {
  return {
    mimeType: info.mimeType,
    format: info.format,
    bytes: bytes.length,
    width: null,
    height: null,
    sampleRate: info.sampleRate,
    channels: info.channels,
    downscaled: false,
    converted: from !== undefined,
    ...(from === undefined ? {} : { from }),
  };
}
