import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Resets the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux); false where it cannot. getrusage's maxRSS
 * cannot be used: it keeps the parent's RSS at fork time, so a child of a large parent reports the parent's size
 * as its peak.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** This process's peak RSS (VmHWM) in bytes since the last reset; undefined where procfs has none. */
export function peakRss(): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
