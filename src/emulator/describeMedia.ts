import type { ReceivedMedia } from './ReceivedMedia';

/** One media item as the answer describes it, e.g. "image/png 320x200, 1234 bytes, sha256:ab12cd34". */
export function describeMedia(item: ReceivedMedia): string {
  if (item.source === 'url') return `${item.kind} URL on ${item.urlHost ?? 'unknown host'} (not fetched)`;
  const { info } = item;
  const shape =
    info === undefined
      ? ''
      : info.kind === 'image'
        ? ` ${info.width}x${info.height}`
        : ` ${info.durationSeconds.toFixed(1)} s, ${info.sampleRate} Hz, ${info.channels} ch`;
  return `${item.mimeType ?? item.kind}${shape}, ${item.bytes ?? 0} bytes, sha256:${item.sha256 ?? ''}`;
}
