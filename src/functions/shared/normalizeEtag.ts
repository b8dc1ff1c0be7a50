/** Storage reports ETags quoted (`"0x8DC…"`); host-serialized metadata may drop the quotes. */
export function normalizeEtag(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return value.startsWith('"') ? value : `"${value}"`;
}
