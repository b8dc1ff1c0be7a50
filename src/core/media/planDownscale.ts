import type { ImageDetail } from '../completion/ImageDetail';
import { imageTokens } from '../tokens/imageTokens';

export interface ImageSize {
  width: number;
  height: number;
}

const HIGH_MAX_SIDE = 2048;
const HIGH_MAX_SHORT_SIDE = 768;
const LOW_MAX_SIDE = 512;

/**
 * The size at which the model sees an image, when that is smaller than the image: high detail fits it within
 * 2048×2048, then scales the shortest side down to 768; low detail fits it within 512×512. `auto` is planned as
 * high: the model may pick either, and the high-detail size holds everything it can use in both cases.
 *
 * Returns `undefined` when the image is already no larger (it is then sent untouched), or when no integer size
 * keeps the high-detail tile count, so that downscaling never changes `prompt_tokens`.
 */
export function planDownscale(width: number, height: number, detail: ImageDetail): ImageSize | undefined {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`Image dimensions must be positive integers, got ${width}x${height}.`);
  }
  const scale = detail === 'low' ? lowScale(width, height) : highScale(width, height);
  if (scale >= 1) return undefined;
  const exact = { width: width * scale, height: height * scale };
  const candidates = [Math.round, Math.ceil].map((round) => ({
    width: Math.max(1, round(exact.width)),
    height: Math.max(1, round(exact.height)),
  }));
  if (detail === 'low') return candidates[0];
  const tokens = imageTokens(width, height, 'high');
  return candidates.find((size) => imageTokens(size.width, size.height, 'high') === tokens);
}

function lowScale(width: number, height: number): number {
  return Math.min(1, LOW_MAX_SIDE / Math.max(width, height));
}

function highScale(width: number, height: number): number {
  const fit = Math.min(1, HIGH_MAX_SIDE / Math.max(width, height));
  return fit * Math.min(1, HIGH_MAX_SHORT_SIDE / (Math.min(width, height) * fit));
}
