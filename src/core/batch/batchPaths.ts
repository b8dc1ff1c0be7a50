import type { OutputLocation } from '../outputs/OutputLocation';

/** Where everything of batch `id` lives in the output container. */
export const batchPaths = {
  record: (id: string): string => `batches/${id}/batch.json`,
  items: (id: string): string => `batches/${id}/items/`,
  shard: (id: string, shard: number): string => `batches/${id}/counts/${shard}.json`,
  results: (id: string): string => `batches/${id}/results.jsonl`,
  errors: (id: string): string => `batches/${id}/errors.jsonl`,
  /** `items/<key>.json` or `.error.json`; the key is the blob name, or the manifest's custom_id. */
  item: (outputContainer: string, id: string, key: string): OutputLocation => ({
    container: outputContainer,
    resultName: `batches/${id}/items/${key}.json`,
    errorName: `batches/${id}/items/${key}.error.json`,
  }),
};
