import type { ByteView } from './ByteView';
import { invalidMedia } from './mediaErrors';

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

/** Whether an ISO-BMFF `ftyp` box names an AVIF or a HEIF/HEIC brand; `undefined` for other MP4-family files. */
export function heifBrand(view: ByteView): 'avif' | 'heic' | undefined {
  const size = view.u32be(0);
  if (view.ascii(4, 4) !== 'ftyp' || size === undefined || size < 16) return undefined;
  const brands: string[] = [];
  // The major brand, then (after the minor version) the compatible brands.
  for (let offset = 8; offset + 4 <= Math.min(size, view.length); offset += offset === 8 ? 8 : 4) {
    brands.push(view.ascii(offset, 4) ?? '');
  }
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
  return undefined;
}

/**
 * The largest image spatial extent (`ispe`) among the item properties (`meta` → `iprp` → `ipco`): the primary
 * image (or its grid) is the largest; tiles and thumbnails are smaller. A quarter-turn `irot` swaps the sides.
 */
export function readHeifSize(view: ByteView): { width: number; height: number } {
  const meta = findBox(view, 0, view.length, 'meta');
  // `meta` is a full box: 4 bytes of version and flags before its children.
  const iprp = meta && findBox(view, meta.start + 4, meta.end, 'iprp');
  const ipco = iprp && findBox(view, iprp.start, iprp.end, 'ipco');
  if (ipco === undefined)
    throw invalidMedia('HEIF has no item properties (meta/iprp/ipco): truncated or corrupt.');
  let best: { width: number; height: number } | undefined;
  let quarterTurn = false;
  for (const box of boxes(view, ipco.start, ipco.end)) {
    if (box.type === 'ispe') {
      const width = view.u32be(box.start + 4);
      const height = view.u32be(box.start + 8);
      if (
        width !== undefined &&
        height !== undefined &&
        width * height > (best ? best.width * best.height : 0)
      ) {
        best = { width, height };
      }
    } else if (box.type === 'irot') {
      quarterTurn = ((view.u8(box.start) ?? 0) & 1) === 1;
    }
  }
  if (best === undefined) throw invalidMedia('HEIF declares no image size (ispe): truncated or corrupt.');
  return quarterTurn ? { width: best.height, height: best.width } : best;
}

interface Box {
  type: string;
  /** Offset of the box's content, after its header. */
  start: number;
  end: number;
}

function findBox(view: ByteView, start: number, end: number, type: string): Box | undefined {
  for (const box of boxes(view, start, end)) if (box.type === type) return box;
  return undefined;
}

/** The boxes between `start` and `end`; stops at the first malformed header, each step moves forward. */
function* boxes(view: ByteView, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    const size = view.u32be(offset);
    const type = view.ascii(offset + 4, 4);
    if (size === undefined || type === undefined || size < 8) return;
    yield { type, start: offset + 8, end: Math.min(end, offset + size) };
    offset += size;
  }
}
