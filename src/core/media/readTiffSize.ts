import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const IMAGE_WIDTH = 256;
const IMAGE_LENGTH = 257;
const SHORT = 3;
const LONG = 4;

/** Size from the first IFD's ImageWidth and ImageLength tags, in the byte order `II` or `MM` gives. */
export function readTiffSize(view: ByteView): { width: number; height: number } {
  const little = view.u8(0) === 0x49;
  const u16 = (offset: number): number | undefined => (little ? view.u16le(offset) : view.u16be(offset));
  const u32 = (offset: number): number | undefined => (little ? view.u32le(offset) : view.u32be(offset));
  const ifd = u32(4);
  const count = ifd === undefined ? undefined : u16(ifd);
  if (ifd === undefined || count === undefined) throw invalidMedia('TIFF header is truncated.');
  let width: number | undefined;
  let height: number | undefined;
  for (let index = 0; index < count; index += 1) {
    const entry = ifd + 2 + index * 12;
    const tag = u16(entry);
    const type = u16(entry + 2);
    if (tag === undefined || type === undefined) break;
    const value = type === SHORT ? u16(entry + 8) : type === LONG ? u32(entry + 8) : undefined;
    if (tag === IMAGE_WIDTH) width = value;
    if (tag === IMAGE_LENGTH) height = value;
  }
  if (width === undefined || height === undefined) {
    throw invalidMedia('TIFF has no image width or length in its first directory: truncated or corrupt.');
  }
  if (width === 0 || height === 0) throw invalidMedia('TIFF declares a zero width or height.');
  return { width, height };
}
