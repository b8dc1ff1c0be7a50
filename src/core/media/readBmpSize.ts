import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

/**
 * Size from the DIB header after the 14-byte file header: 16-bit fields in the old 12-byte OS/2 core header, signed
 * 32-bit ones in every later header (a negative height means rows are stored top-down).
 */
export function readBmpSize(view: ByteView): { width: number; height: number } {
  const headerSize = view.u32le(14);
  if (headerSize === undefined) throw invalidMedia('BMP header is truncated.');
  const core = headerSize === 12;
  const width = core ? view.u16le(18) : view.u32le(18);
  const height = core ? view.u16le(20) : view.u32le(22);
  if (width === undefined || height === undefined) throw invalidMedia('BMP header is truncated.');
  const signedWidth = core ? width : width | 0;
  const signedHeight = core ? height : Math.abs(height | 0);
  if (signedWidth <= 0 || signedHeight <= 0)
    throw invalidMedia('BMP declares a zero or negative width or height.');
  return { width: signedWidth, height: signedHeight };
}
