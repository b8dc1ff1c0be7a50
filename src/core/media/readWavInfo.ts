import type { AudioInfo } from './MediaInfo';
import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const EXTENSIBLE = 0xfffe;

interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
}

/**
 * Reads the `fmt ` and `data` chunks of a RIFF/WAVE file. Only PCM and IEEE float (plain or inside
 * WAVE_FORMAT_EXTENSIBLE) are accepted: those are what "wav" means to the model; compressed WAV codecs are not.
 */
export function readWavInfo(view: ByteView): AudioInfo {
  let format: WavFormat | undefined;
  let offset = 12;
  while (view.has(offset, 8)) {
    const id = view.ascii(offset, 4);
    const size = view.u32le(offset + 4) ?? 0;
    const body = offset + 8;
    if (id === 'fmt ') {
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (format === undefined) throw invalidMedia('WAV data chunk comes before its fmt chunk.');
      // Streamed WAVs often declare 0 or 0xFFFFFFFF; the bytes present are what will be sent.
      const available = view.length - body;
      const dataBytes = size === 0 || size > available ? available : size;
      return {
        kind: 'audio',
        format: 'wav',
        mimeType: 'audio/wav',
        durationSeconds: dataBytes / format.byteRate,
        sampleRate: format.sampleRate,
        channels: format.channels,
        bitrate: format.byteRate * 8,
      };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw invalidMedia(
    format === undefined ? 'WAV has no fmt chunk: truncated or corrupt.' : 'WAV has no data chunk.',
  );
}

function readFormat(view: ByteView, body: number, size: number): WavFormat {
  const formatTag = view.u16le(body);
  const channels = view.u16le(body + 2);
  const sampleRate = view.u32le(body + 4);
  const byteRate = view.u32le(body + 8);
  if (size < 16 || formatTag === undefined || channels === undefined || sampleRate === undefined) {
    throw invalidMedia('WAV fmt chunk is truncated.');
  }
  if (byteRate === undefined || channels === 0 || sampleRate === 0 || byteRate === 0) {
    throw invalidMedia('WAV fmt chunk declares zero channels, sample rate or byte rate.');
  }
  // In WAVE_FORMAT_EXTENSIBLE the real format is the first two bytes of the SubFormat GUID at offset 24.
  const effectiveTag = formatTag === EXTENSIBLE && size >= 40 ? view.u16le(body + 24) : formatTag;
  if (effectiveTag !== PCM && effectiveTag !== IEEE_FLOAT) {
    const shown = (effectiveTag ?? formatTag).toString(16).padStart(4, '0');
    throw invalidMedia(`WAV format 0x${shown} is not supported: only PCM and IEEE float WAV are accepted.`);
  }
  return { formatTag: effectiveTag, channels, sampleRate, byteRate };
}
