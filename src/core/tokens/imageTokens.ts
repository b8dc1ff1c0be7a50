import type { ImageDetail } from '../completion/ImageDetail';

export interface ImageTokenOptions {
  /** Tokens every image costs, and all a low-detail image costs. GPT-4o: 85; GPT-4o mini: 2833. */
  baseTokens?: number;
  /** Tokens per 512-px tile in high detail. GPT-4o: 170; GPT-4o mini: 5667. */
  tileTokens?: number;
}

const MAX_SIDE = 2048;
const MAX_SHORT_SIDE = 768;
const TILE = 512;

/**
 * Prompt tokens for one image under the published GPT-4o rule: fit within 2048×2048, scale down so the shortest
 * side is at most 768, then base + tile × (number of 512-px tiles). `auto` is counted as `high`, the upper bound,
 * because the service does not say which it picked.
 */
export function imageTokens(
  width: number,
  height: number,
  detail: ImageDetail = 'auto',
  options: ImageTokenOptions = {},
): number {
  if (!(width > 0 && height > 0 && Number.isFinite(width * height))) {
    throw new RangeError(`Image dimensions must be positive, got ${width}x${height}.`);
  }
  const base = options.baseTokens ?? 85;
  const perTile = options.tileTokens ?? 170;
  if (detail === 'low') return base;
  const fit = Math.min(1, MAX_SIDE / Math.max(width, height));
  const shortSide = Math.min(width, height) * fit;
  const scale = fit * Math.min(1, MAX_SHORT_SIDE / shortSide);
  const tiles = Math.ceil((width * scale) / TILE) * Math.ceil((height * scale) / TILE);
  return base + perTile * tiles;
}
