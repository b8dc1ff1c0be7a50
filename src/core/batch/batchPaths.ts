import { documentLocation, hashedKey } from '../outputs/documentLocation';
import type { OutputLocation } from '../outputs/OutputLocation';

/** Where everything of batch `id` lives in the output container. */
export const batchPaths = {
  record: (id: string): string => `batches/${id}/batch.json`,
  items: (id: string): string => `batches/${id}/items/`,
  /** The counter shards' folder: one listing of it (with metadata) reads every count. */
  counts: (id: string): string => `batches/${id}/counts/`,
  shard: (id: string, shard: number): string => `batches/${id}/counts/${shard}.json`,
  results: (id: string): string => `batches/${id}/results.jsonl`,
  errors: (id: string): string => `batches/${id}/errors.jsonl`,
  /** Structured outputs of every analyzer: `{"custom_id","analyzer","output"}` lines. */
  outputs: (id: string): string => `batches/${id}/outputs.jsonl`,
  /**
   * One analyzer's outputs as CSV, when its schema is an object of scalars: `outputs.csv` for the analyzer the
   * batch was created with (`analyzer` undefined), `outputs.<analyzer>.csv` for any other.
   */
  outputsCsv: (id: string, analyzer?: string): string =>
    analyzer === undefined ? `batches/${id}/outputs.csv` : `batches/${id}/outputs.${analyzer}.csv`,
  /**
   * `items/<key>.json` or `.error.json` (`documentLocation`: injective; an unusable key, such as a custom_id
   * with `..` segments or a backslash, is hashed inside `items/hashed-names/`); the key is the blob name, or the
   * manifest's custom_id.
   */
  item: (outputContainer: string, id: string, key: string): OutputLocation =>
    documentLocation(outputContainer, `batches/${id}/items/`, key),
  /** The verbatim key of a hashed item document, for its output line: `keys/<hash>.json` = `{ "key" }`. */
  key: (id: string, hash: string): string => `batches/${id}/keys/${hash}.json`,
  /** The hash a key's hashed documents are named by. */
  keyHash: (id: string, key: string): string => hashedKey(`batches/${id}/items/`, key),
};
