import type { InvocationContext } from '@azure/functions';

/** The host's delivery count for a queue message (1 on the first delivery). */
export function dequeueCountOf(context: InvocationContext): number {
  const value = context.triggerMetadata?.dequeueCount;
  const count = typeof value === 'string' ? Number(value) : value;
  return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 1;
}
