import type { ProcessBlobOutcome } from '../core/blob/processBlob';
import { isRecord } from '../core/json/isRecord';

/**
 * The block the Azure AI inference samples print for a completion (ASSISTANT, Model, Usage), with the analyzer
 * and the structured output (indented JSON) when there are, or the error, followed by where the document is.
 */
export function formatOutcome(source: string, outcome: ProcessBlobOutcome): string {
  const lines = [`== ${source}`];
  const where = outcome.location;
  if (outcome.status === 'gone') {
    lines.push(
      'The blob was deleted or replaced during processing; its new version is processed separately.',
    );
    return `${lines.join('\n')}\n\n`;
  }
  const document = outcome.document;
  if (document.status === 'succeeded') {
    const usage = isRecord(document.usage) ? document.usage : {};
    const count = (key: string): string => (typeof usage[key] === 'number' ? String(usage[key]) : '?');
    lines.push(`ASSISTANT: ${document.completion ?? '(no content)'}`);
    if (document.analyzer !== undefined) lines.push(`Analyzer: ${document.analyzer}`);
    if (document.output !== undefined) lines.push(`Output: ${JSON.stringify(document.output, null, 2)}`);
    lines.push(
      `Model: ${document.model ?? '(unknown)'}`,
      'Usage:',
      `  Prompt tokens: ${count('prompt_tokens')}`,
      `  Completion tokens: ${count('completion_tokens')}`,
      `  Total tokens: ${count('total_tokens')}`,
      `Result: ${where.container}/${where.resultName}${outcome.status === 'skipped' ? ' (already processed)' : ''}`,
    );
  } else {
    const { error } = document;
    lines.push(
      `ERROR ${error.code}: ${error.message}`,
      `Error document: ${where.container}/${where.errorName}${outcome.status === 'skipped' ? ' (already recorded)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
