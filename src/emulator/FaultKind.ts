export const FAULT_KINDS = [
  'ok',
  '429-bare',
  '429',
  '500',
  '503',
  'reset',
  'hang',
  'content-filter',
  /** 403 PermissionDenied, as while a new role assignment propagates (about 5 minutes). */
  '403',
  /** A 200 whose content is prose, not JSON (for a JSON `response_format`: a model ignoring it). */
  'invalid-json',
  /** A 200 with valid JSON of the wrong top-level type (an array for an object schema, else an object). */
  'schema-mismatch',
  /** A 200 whose content is cut in half with `finish_reason: "length"`, as when output tokens run out. */
  'truncated',
] as const;

/** A failure the emulator can serve instead of an answer; `ok` answers normally. */
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}
