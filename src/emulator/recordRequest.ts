import type { EmulatorStats } from './EmulatorStats';
import type { ReceivedRequest } from './ReceivedRequest';

const MAX_RECEIVED = 1000;

/** Counts a finished request into `stats` (keeping the latest 1000) and logs one line about it. */
export function recordRequest(
  stats: EmulatorStats,
  received: ReceivedRequest,
  started: number,
  log: ((line: string) => void) | undefined,
): void {
  stats.byStatus[received.status] = (stats.byStatus[received.status] ?? 0) + 1;
  stats.received.push(received);
  if (stats.received.length > MAX_RECEIVED) stats.received.shift();
  const media = received.media.map((item) => item.mimeType ?? `${item.kind}-url`).join(',');
  log?.(
    `${received.method} ${received.route} ${received.status} ${Date.now() - started}ms` +
      (received.fault === undefined ? '' : ` fault=${received.fault}`) +
      (media === '' ? '' : ` media=${media}`) +
      (received.usage === undefined ? '' : ` tokens=${received.usage.total_tokens}`),
  );
}
