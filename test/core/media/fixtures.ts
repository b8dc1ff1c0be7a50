import sharp from 'sharp';

/** Real images encoded by sharp (libvips), so the header readers are tested against what encoders write. */
export async function encodeImage(
  format: 'png' | 'jpeg' | 'gif' | 'webp',
  width: number,
  height: number,
  options: { lossless?: boolean } = {},
): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } });
  if (format === 'webp') return image.webp({ lossless: options.lossless ?? false }).toBuffer();
  return image.toFormat(format).toBuffer();
}

export interface WavFixtureOptions {
  sampleRate?: number;
  channels?: number;
  bitsPerSample?: number;
  formatTag?: number;
  seconds?: number;
  /** Adds a LIST chunk before fmt, as many editors do. */
  extraChunk?: boolean;
  /** For WAVE_FORMAT_EXTENSIBLE: the SubFormat tag. */
  subFormat?: number;
  /** The sample data; default: `seconds` of silence. */
  samples?: Buffer;
}

/** A hand-written RIFF/WAVE file (silence unless `samples` are given). */
export function wav(options: WavFixtureOptions = {}): Buffer {
  const sampleRate = options.sampleRate ?? 16000;
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? 16;
  const formatTag = options.formatTag ?? 1;
  const blockAlign = (channels * bits) / 8;
  const byteRate = sampleRate * blockAlign;
  const extensible = options.subFormat !== undefined;
  const fmt = Buffer.alloc(extensible ? 40 : 16);
  fmt.writeUInt16LE(formatTag, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(byteRate, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);
  if (extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(options.subFormat ?? 1, 24);
  }
  const chunks = [
    ...(options.extraChunk === true
      ? [chunk('LIST', Buffer.from('INFOISFT\x03\x00\x00\x00ab\x00\x00', 'latin1'))]
      : []),
    chunk('fmt ', fmt),
    chunk(
      'data',
      options.samples ?? Buffer.alloc(Math.round((options.seconds ?? 1) * sampleRate) * blockAlign),
    ),
  ];
  const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

function chunk(id: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: 417-byte frames of 1152 samples. */
export const MP3_FRAME_HEADER = [0xff, 0xfb, 0x90, 0x00];
export const MP3_FRAME_BYTES = 417;
export const MP3_FRAME_SECONDS = 1152 / 44100;

export function mp3Frames(count: number, options: { xingFrames?: number } = {}): Buffer {
  const frames: Buffer[] = [];
  for (let index = 0; index < count; index += 1) {
    const frame = Buffer.alloc(MP3_FRAME_BYTES);
    Buffer.from(MP3_FRAME_HEADER).copy(frame, 0);
    if (index === 0 && options.xingFrames !== undefined) {
      frame.write('Xing', 36, 'latin1');
      frame.writeUInt32BE(1, 40);
      frame.writeUInt32BE(options.xingFrames, 44);
    }
    frames.push(frame);
  }
  return Buffer.concat(frames);
}

/** An ID3v2.3 tag of `size` payload bytes (synchsafe size field). */
export function id3Tag(size: number): Buffer {
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  header[6] = (size >> 21) & 0x7f;
  header[7] = (size >> 14) & 0x7f;
  header[8] = (size >> 7) & 0x7f;
  header[9] = size & 0x7f;
  return Buffer.concat([header, Buffer.alloc(size)]);
}

/** A minimal hand-made GIF89a with `frames` 1x1 images, optionally with the NETSCAPE2.0 loop extension. */
export function gif(frames: number, options: { loop?: boolean } = {}): Buffer {
  const parts: number[] = [...Buffer.from('GIF89a'), 2, 0, 3, 0, 0x80, 0, 0, ...[0, 0, 0, 255, 255, 255]];
  if (options.loop === true) {
    parts.push(0x21, 0xff, 11, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0);
  }
  for (let index = 0; index < frames; index += 1) {
    parts.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control extension
    parts.push(0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0); // image descriptor, no local colour table
    parts.push(2, 2, 0x44, 0x01, 0); // LZW min code size 2, one sub-block, terminator
  }
  parts.push(0x3b);
  return Buffer.from(parts);
}
