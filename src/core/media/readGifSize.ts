import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const EXTENSION = 0x21;
const IMAGE_DESCRIPTOR = 0x2c;

/**
 * The logical screen size, after checking the GIF holds an image. Whether it is animated (the service takes only
 * stills) is the image converter's to tell: it counts every frame, where this reader stops at the first.
 */
export function readGifSize(view: ByteView): { width: number; height: number } {
  const width = view.u16le(6);
  const height = view.u16le(8);
  const flags = view.u8(10);
  if (width === undefined || height === undefined || flags === undefined || !view.has(0, 13)) {
    throw invalidMedia('GIF header is truncated: the logical screen descriptor is missing.');
  }
  if (width === 0 || height === 0) throw invalidMedia('GIF declares a zero width or height.');
  const hasGlobalColorTable = (flags & 0x80) !== 0;
  const offset = 13 + (hasGlobalColorTable ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  if (!hasImage(view, offset)) {
    throw invalidMedia('GIF contains no image: the file is truncated or corrupt.');
  }
  return { width, height };
}

/** Whether a complete image descriptor follows the extensions; each step moves forward. */
function hasImage(view: ByteView, start: number): boolean {
  let offset = start;
  while (offset < view.length) {
    const block = view.u8(offset);
    if (block === IMAGE_DESCRIPTOR) return view.has(offset, 10);
    if (block !== EXTENSION) return false;
    offset = skipSubBlocks(view, offset + 2);
  }
  return false;
}

function skipSubBlocks(view: ByteView, start: number): number {
  let offset = start;
  for (;;) {
    const size = view.u8(offset);
    if (size === undefined) return view.length;
    offset += 1 + size;
    if (size === 0) return offset;
  }
}
