import type { MediaSummary } from './MediaSummary';
import type { ReceivedMedia } from './ReceivedMedia';

/** What stats keep of a received media item: its metadata, without the decoded details object. */
export function summariseMedia(item: ReceivedMedia): MediaSummary {
  const { info, ...rest } = item;
  const summary: MediaSummary = { kind: rest.kind, source: rest.source };
  if (rest.mimeType !== undefined) summary.mimeType = rest.mimeType;
  if (rest.bytes !== undefined) summary.bytes = rest.bytes;
  if (rest.sha256 !== undefined) summary.sha256 = rest.sha256;
  if (rest.urlHost !== undefined) summary.urlHost = rest.urlHost;
  if (rest.orientation !== undefined) summary.orientation = rest.orientation;
  if (rest.space !== undefined) summary.space = rest.space;
  if (info?.kind === 'image') Object.assign(summary, { width: info.width, height: info.height });
  if (info?.kind === 'audio') summary.durationSeconds = info.durationSeconds;
  return summary;
}
