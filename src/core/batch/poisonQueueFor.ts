/** The Functions host's convention: a message that failed `maxDequeueCount` deliveries moves to `<queue>-poison`. */
export function poisonQueueFor(queue: string): string {
  return `${queue}-poison`;
}
