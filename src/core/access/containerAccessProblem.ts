/**
 * Why a container can never be read on a caller's behalf, whatever the settings say, or undefined when it may
 * be allowlisted: the output container (results, claims, batch state of every caller), the Functions host's
 * `azure-webjobs-*` containers (keys, leases) and `$`-prefixed system containers (`$logs`, `$web`, `$root`).
 */
export function containerAccessProblem(container: string, outputContainer: string): string | undefined {
  if (container === outputContainer) return 'is the output container';
  if (container.startsWith('azure-webjobs-')) return 'is a Functions host container (azure-webjobs-*)';
  if (container.startsWith('$')) return 'is a system container ($-prefixed)';
  return undefined;
}
