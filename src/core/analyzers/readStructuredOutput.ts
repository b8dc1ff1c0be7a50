import type { AnalyzerOutput } from './Analyzer';
import { outputValidator } from './outputValidator';

/**
 * The model's text as the structured output, or why it is not one:
 * - `output_truncated`: the answer stopped at the token limit (`finish_reason: "length"`) inside the JSON;
 * - `output_invalid`: not JSON, or JSON the schema refuses (`errors`: ajv's first errors).
 */
export type StructuredOutput =
  { ok: true; value: unknown } | { ok: false; code: 'output_truncated' | 'output_invalid'; errors: string[] };

/** Parses `completion` (a markdown code fence around it is tolerated) and validates it with `output.schema`. */
export function readStructuredOutput(
  output: AnalyzerOutput,
  completion: string,
  finishReason: string | null,
): StructuredOutput {
  let value: unknown;
  try {
    value = JSON.parse(unfenced(completion));
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'not JSON';
    return finishReason === 'length'
      ? { ok: false, code: 'output_truncated', errors: [`the text ends at the token limit: ${reason}`] }
      : { ok: false, code: 'output_invalid', errors: [`the text is not JSON: ${reason}`] };
  }
  const errors = outputValidator(output.schema)(value);
  return errors === undefined ? { ok: true, value } : { ok: false, code: 'output_invalid', errors };
}

/** Models in JSON mode without a schema sometimes wrap the object in ```json fences. */
function unfenced(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return fenced?.[1] ?? text;
}
