import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

/** Size from the first chunk after `RIFF....WEBP`: lossy VP8, lossless VP8L or extended VP8X. */
export function readWebpSize(view: ByteView): { width: number; height: number } {
  const chunk = view.ascii(12, 4);
  let size: { width: number; height: number } | undefined;
  if (chunk === 'VP8 ') size = readLossy(view);
  else if (chunk === 'VP8L') size = readLossless(view);
  else if (chunk === 'VP8X') size = readExtended(view);
  else throw invalidMedia('WEBP has no VP8, VP8L or VP8X chunk: the file is truncated or corrupt.');
  if (size === undefined) throw invalidMedia(`WEBP ${chunk.trim()} header is truncated or corrupt.`);
  return size;
}

function readLossy(view: ByteView): { width: number; height: number } | undefined {
  // Frame tag (3 bytes), then the key-frame start code 9D 01 2A, then 14-bit width and height.
  if (!view.startsWith(23, [0x9d, 0x01, 0x2a])) return undefined;
  const width = view.u16le(26);
  const height = view.u16le(28);
  if (width === undefined || height === undefined) return undefined;
  return nonZero(width & 0x3fff, height & 0x3fff);
}

function readLossless(view: ByteView): { width: number; height: number } | undefined {
  if (view.u8(20) !== 0x2f) return undefined;
  const bits = view.u32le(21);
  if (bits === undefined) return undefined;
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}

function readExtended(view: ByteView): { width: number; height: number } | undefined {
  const widthMinusOne = view.u24le(24);
  const heightMinusOne = view.u24le(27);
  if (widthMinusOne === undefined || heightMinusOne === undefined) return undefined;
  return { width: widthMinusOne + 1, height: heightMinusOne + 1 };
}

function nonZero(width: number, height: number): { width: number; height: number } | undefined {
  return width === 0 || height === 0 ? undefined : { width, height };
}
