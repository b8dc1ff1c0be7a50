import type { BatchView } from '../core/batch/BatchView';

/**
 * A batch as the CLI prints it (after `batch` runs one, and for `batch status`): status, request counts, token
 * totals, times (ISO 8601, `-` when not reached) and, once finalized, where the output files are. Ends with a
 * newline.
 */
export function formatBatchStatus(view: BatchView): string {
  const counts = view.request_counts;
  const when = (seconds: number | null): string =>
    seconds === null ? '-' : new Date(seconds * 1000).toISOString();
  const lines = [
    `Batch ${view.id}: ${view.status}`,
    `Requests: ${counts.total} total, ${counts.completed} completed, ${counts.failed} failed` +
      (counts.cancelled > 0 ? `, ${counts.cancelled} cancelled` : ''),
    `Tokens: ${view.usage.prompt_tokens} prompt, ${view.usage.completion_tokens} completion, ` +
      `${view.usage.total_tokens} total`,
    `Created: ${when(view.created_at)}  Completed: ${when(view.completed_at)}  Cancelled: ${when(view.cancelled_at)}`,
  ];
  if (view.output_file !== null) lines.push(`Results: ${view.output_container}/${view.output_file}`);
  if (view.error_file !== null) lines.push(`Errors: ${view.output_container}/${view.error_file}`);
  return `${lines.join('\n')}\n`;
}
