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
] as const;

/** A failure the emulator can serve instead of an answer; `ok` answers normally. */
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}
