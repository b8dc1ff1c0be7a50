import type { AnalyzerOutput } from './Analyzer';

/**
 * What the system message adds when the model takes only `response_format: {"type": "json_object"}` (no
 * `json_schema`): the schema stated as text (JSON mode also requires the word "JSON" in the messages).
 */
export function jsonObjectInstruction(output: AnalyzerOutput): string {
  return (
    `\n\nAnswer with one JSON value only, no other text, named "${output.name}", that is valid against this ` +
    `JSON Schema:\n${JSON.stringify(output.schema)}`
  );
}
