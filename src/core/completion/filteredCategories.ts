import { isRecord } from '../json/isRecord';

/**
 * The categories Azure's content filter flagged, from a choice's `content_filter_results`
 * (`{"violence": {"filtered": true, "severity": "high"}, "hate": {"filtered": false, ...}, ...}`), in the
 * service's order. Empty when nothing was filtered or the service sent no results (non-Azure-OpenAI models).
 */
export function filteredCategories(results: unknown): string[] {
  if (!isRecord(results)) return [];
  return Object.entries(results)
    .filter(([, value]) => isRecord(value) && value.filtered === true)
    .map(([category]) => category);
}
