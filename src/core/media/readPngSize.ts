import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

/** Width and height from the IHDR chunk, which the PNG spec requires to come first, right after the signature. */
export function readPngSize(view: ByteView): { width: number; height: number } {
  const chunkLength = view.u32be(8);
  const chunkType = view.ascii(12, 4);
  const width = view.u32be(16);
  const height = view.u32be(20);
  if (chunkType !== 'IHDR' || chunkLength === undefined || chunkLength < 13) {
    throw invalidMedia('PNG signature without an IHDR chunk: the file is truncated or corrupt.');
  }
  if (width === undefined || height === undefined || width === 0 || height === 0) {
    throw invalidMedia('PNG IHDR chunk is truncated or declares a zero width or height.');
  }
  return { width, height };
}
