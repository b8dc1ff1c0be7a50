import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

/** Markers that stand alone, without a length field: TEM, RST0-7 and SOI. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the marker segments after SOI until a SOFn segment; each step advances by the segment's length. */
export function readJpegSize(view: ByteView): { width: number; height: number } {
  let offset = 2;
  while (offset < view.length) {
    if (view.u8(offset) !== 0xff) throw invalidMedia(`JPEG marker expected at byte ${offset}: corrupt file.`);
    let marker = view.u8(offset + 1);
    // Any number of 0xFF fill bytes may precede a marker.
    while (marker === 0xff) {
      offset += 1;
      marker = view.u8(offset + 1);
    }
    if (marker === undefined) break;
    offset += 2;
    if (isStandalone(marker)) continue;
    if (marker === 0xd9 || marker === 0xda) {
      throw invalidMedia('JPEG has no frame header (SOFn) before its image data.');
    }
    const length = view.u16be(offset);
    if (length === undefined || length < 2) break;
    if (isStartOfFrame(marker)) {
      const height = view.u16be(offset + 3);
      const width = view.u16be(offset + 5);
      if (height === undefined || width === undefined) break;
      if (width === 0 || height === 0)
        throw invalidMedia('JPEG frame header declares a zero width or height.');
      return { width, height };
    }
    offset += length;
  }
  throw invalidMedia('JPEG is truncated before its frame header (SOFn).');
}
