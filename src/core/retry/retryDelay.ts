/**
 * How long the service asked us to wait: `retry-after-ms` (Azure's precise header) first, then `Retry-After`
 * in seconds or as an HTTP date. `undefined` when neither is present or parseable.
 */
export function serverRetryDelayMs(headers: Record<string, string>, now: number): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const after = headers['retry-after'];
  if (after === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Exponential backoff with "equal jitter": half the exponential step is kept, the other half is random, so
 * concurrent instances spread out but never retry immediately.
 */
export function backoffDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: number,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * When the exhausted rate limit frees up, from Azure OpenAI's `x-ratelimit-reset-requests` and
 * `x-ratelimit-reset-tokens` (durations such as `2s`, `1m30s`, `250ms`; sometimes the only hint a 429 carries):
 * the later of the two, since the request needs both. `undefined` when neither is present or parseable.
 */
export function rateLimitResetMs(headers: Record<string, string>): number | undefined {
  const waits = [headers['x-ratelimit-reset-requests'], headers['x-ratelimit-reset-tokens']]
    .map((value) => (value === undefined ? undefined : parseDurationMs(value.trim())))
    .filter((ms): ms is number => ms !== undefined);
  return waits.length === 0 ? undefined : Math.max(...waits);
}

/** `1m30s` → 90000; a bare number counts as seconds; `undefined` for anything else. */
function parseDurationMs(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(text); match !== null; match = DURATION_PART.exec(text)) {
    const [whole, amount, unit] = match;
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
    consumed += whole.length;
  }
  return consumed === text.length && consumed > 0 && Number.isFinite(total) ? Math.ceil(total) : undefined;
}
