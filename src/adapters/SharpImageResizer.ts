import type SharpModule from 'sharp';
import type { Sharp } from 'sharp';
import { MediaCompletionsError } from '../core/errors';
import { DEFAULT_MAX_PIXELS } from '../core/media/inspectMedia';
import type { ImageFormat } from '../core/media/MediaInfo';
import type { ImageResizer } from '../core/ports/ImageResizer';

/** Visually lossless for a model that looks at the picture; well below the original's size for photos. */
const JPEG_QUALITY = 85;
const WEBP_QUALITY = 85;

let loaded: Promise<typeof SharpModule> | undefined;

/** sharp loads libvips (tens of ms): only when the first image needs scaling, not at cold start. */
function loadSharp(): Promise<typeof SharpModule> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    // The operation cache helps repeated operations on one file; we never repeat one, so it only holds memory.
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

/** The ImageResizer port on sharp (libvips). */
export class SharpImageResizer implements ImageResizer {
  async resize(
    bytes: Uint8Array,
    format: ImageFormat,
    size: { width: number; height: number },
  ): Promise<Uint8Array> {
    const sharp = await loadSharp();
    try {
      const image = sharp(bytes, { failOn: 'error', limitInputPixels: DEFAULT_MAX_PIXELS, autoOrient: true });
      const { orientation } = await image.metadata();
      // Orientations 5-8 turn the picture by 90°: the stored width becomes the upright height.
      const turned = orientation !== undefined && orientation >= 5;
      const resized = image.resize(turned ? size.height : size.width, turned ? size.width : size.height, {
        fit: 'fill',
      });
      return new Uint8Array(await encode(resized, format).toBuffer());
    } catch (error) {
      throw new MediaCompletionsError(
        'invalid_media',
        `The ${format.toUpperCase()} image could not be decoded.`,
        {
          retryable: false,
          cause: error,
        },
      );
    }
  }
}

function encode(image: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: JPEG_QUALITY });
    case 'webp':
      return image.webp({ quality: WEBP_QUALITY });
    case 'png':
    case 'tiff':
    case 'bmp':
      return image.png();
    case 'heic':
    case 'avif':
      return image.jpeg({ quality: JPEG_QUALITY });
    case 'gif':
      // A GIF has at most 256 colours: a palette PNG stays as small; truecolour would often outgrow the GIF.
      // Effort 1 quantizes ten times faster than the default, for a few percent more bytes.
      return image.png({ palette: true, effort: 1 });
  }
}
