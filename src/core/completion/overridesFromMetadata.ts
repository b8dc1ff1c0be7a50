import type { CompletionOverrides } from './CompletionOverrides';

/**
 * Reads the override keys `prompt`, `system`, `detail`, `max_tokens`, `model` and `analyzer` from blob metadata. Metadata
 * names are case-insensitive in Azure Storage, so the lookup is too. Values are validated later, by `completeMedia`.
 */
export function overridesFromMetadata(metadata: Readonly<Record<string, string>>): CompletionOverrides {
  const lower = new Map(Object.entries(metadata).map(([key, value]) => [key.toLowerCase(), value]));
  const overrides: CompletionOverrides = {};
  const prompt = lower.get('prompt');
  const system = lower.get('system');
  const detail = lower.get('detail');
  const maxTokens = lower.get('max_tokens');
  const model = lower.get('model');
  const analyzer = lower.get('analyzer');
  if (prompt !== undefined) overrides.prompt = prompt;
  if (system !== undefined) overrides.system = system;
  if (detail !== undefined) overrides.detail = detail;
  if (maxTokens !== undefined) overrides.maxTokens = maxTokens;
  if (model !== undefined) overrides.model = model;
  if (analyzer !== undefined) overrides.analyzer = analyzer;
  return overrides;
}
