import type { WavLayout } from './readWavInfo';

/**
 * A plain RIFF/WAVE file holding the same `fmt ` chunk and audio bytes as `bytes`, with true RIFF and data
 * sizes: for RF64/BW64 files (whose 32-bit sizes say "see ds64") and for WAVs written to a pipe (sizes 0 or
 * 0xFFFFFFFF). Other chunks (LIST, bext, cue) are dropped: the model has no use for them.
 */
export function rewrapWav(bytes: Uint8Array, layout: WavLayout): Uint8Array {
  const fmtPadded = layout.fmtSize + (layout.fmtSize % 2);
  const dataPadded = layout.dataBytes + (layout.dataBytes % 2);
  const out = new Uint8Array(12 + 8 + fmtPadded + 8 + dataPadded);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let index = 0; index < text.length; index += 1) out[offset + index] = text.charCodeAt(index);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, layout.fmtSize, true);
  out.set(bytes.subarray(layout.fmtOffset, layout.fmtOffset + layout.fmtSize), 20);
  const data = 20 + fmtPadded;
  ascii(data, 'data');
  view.setUint32(data + 4, layout.dataBytes, true);
  out.set(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes), data + 8);
  return out;
}
