import { MediaCompletionsError } from '../errors';
import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const EXTENSION = 0x21;
const IMAGE_DESCRIPTOR = 0x2c;
const TRAILER = 0x3b;

/**
 * The logical screen size, after checking the GIF is not animated: Azure accepts only non-animated GIFs, so a
 * second image descriptor is rejected here rather than by the service after an upload.
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
  const frames = countGifFrames(view, offset);
  if (frames === 0) throw invalidMedia('GIF contains no image: the file is truncated or corrupt.');
  if (frames > 1) {
    throw new MediaCompletionsError(
      'unsupported_media_type',
      `Animated GIF (${frames} frames) is not supported: the model accepts only non-animated GIF images.`,
      { retryable: false },
    );
  }
  return { width, height };
}

/** Counts image descriptors, stopping at the trailer or the end of the buffer; each step moves forward. */
function countGifFrames(view: ByteView, start: number): number {
  let offset = start;
  let frames = 0;
  while (offset < view.length && frames < 2) {
    const block = view.u8(offset);
    if (block === TRAILER) break;
    if (block === EXTENSION) {
      offset = skipSubBlocks(view, offset + 2);
    } else if (block === IMAGE_DESCRIPTOR) {
      const packed = view.u8(offset + 9);
      if (packed === undefined) break;
      frames += 1;
      const localColorTable = (packed & 0x80) !== 0 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
      // Descriptor (10 bytes), local colour table, LZW minimum code size (1 byte), then the data sub-blocks.
      offset = skipSubBlocks(view, offset + 10 + localColorTable + 1);
    } else {
      break;
    }
  }
  return frames;
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
