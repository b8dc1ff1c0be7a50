import type { ImageDetail } from '../ports/ModelGateway';
import type { ImageResizer } from '../ports/ImageResizer';
import type { SentMedia } from '../SentMedia';
import { inspectMedia } from './inspectMedia';
import type { MediaInfo } from './MediaInfo';
import { planDownscale } from './planDownscale';

/** Media bytes with their detected type. */
export interface InlineMedia {
  bytes: Uint8Array;
  info: MediaInfo;
}

export interface DownscaleForModelOptions {
  /** Absent: media are sent as they are. */
  images: ImageResizer | undefined;
  detail: ImageDetail;
}

/**
 * Scales an image down to what the model will use (see planDownscale), so fewer bytes are encoded, held and
 * sent for the same `prompt_tokens`. Audio, small images, and images whose re-encoding comes out no smaller are
 * sent untouched, byte for byte.
 */
export async function downscaleForModel(
  item: InlineMedia,
  options: DownscaleForModelOptions,
): Promise<{ item: InlineMedia; sent: SentMedia }> {
  const { info } = item;
  const untouched = {
    item,
    sent: {
      mimeType: info.mimeType,
      format: info.format,
      bytes: item.bytes.length,
      width: info.kind === 'image' ? info.width : null,
      height: info.kind === 'image' ? info.height : null,
      downscaled: false,
      converted: false,
    },
  };
  if (info.kind !== 'image' || options.images === undefined) return untouched;
  const size = planDownscale(info.width, info.height, options.detail);
  if (size === undefined) return untouched;
  const bytes = await options.images.resize(item.bytes, info.format, size);
  if (bytes.length >= item.bytes.length) return untouched;
  const sentInfo = inspectMedia(bytes);
  if (sentInfo.kind !== 'image')
    throw new TypeError('The image resizer returned something other than an image.');
  return {
    item: { bytes, info: sentInfo },
    sent: {
      mimeType: sentInfo.mimeType,
      format: sentInfo.format,
      bytes: bytes.length,
      width: sentInfo.width,
      height: sentInfo.height,
      downscaled: true,
      converted: true,
    },
  };
}
