import { isRecord } from '../json/isRecord';
import { updateJsonBlob } from '../outputs/updateJsonBlob';
import type { BlobStore } from '../ports/BlobStore';
import type { BatchCounts } from './BatchRecord';
import { batchPaths } from './batchPaths';

/**
 * One counter shard, `batches/<id>/counts/<shard>.json`. Item `index` belongs to shard `index % shards`, at bit
 * `floor(index / shards)` of `seen`, so a redelivered or duplicated message is never counted twice, and the
 * shard stays small (100,000 items over 16 shards: 782 bytes of bitmap each).
 */
interface Shard extends BatchCounts {
  /** Items counted in this shard (completed + failed). */
  counted: number;
  /** Base64 bitmap of the items counted. */
  seen: string;
}

export type ItemOutcomeKind = 'completed' | 'failed' | 'cancelled';

export interface ItemTally {
  kind: ItemOutcomeKind;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface CountResult {
  /** False when the item had been counted before (a redelivery). */
  counted: boolean;
  /** The shard holds every item it will ever hold, given `total`; only then can the batch be complete. */
  shardFull: boolean;
}

const emptyShard = (): Shard => ({
  completed: 0,
  failed: 0,
  cancelled: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  counted: 0,
  seen: '',
});

/** How many of `total` items fall in `shard`. */
export function shardCapacity(total: number, shard: number, shards: number): number {
  return shard >= total ? 0 : Math.floor((total - 1 - shard) / shards) + 1;
}

/** Counts an item once: read the shard, set its bit and add its tally, write with If-Match, retry on 412. */
export async function countBatchItem(
  blobs: BlobStore,
  container: string,
  batch: { id: string; counterShards: number; total: number | null },
  index: number,
  tally: ItemTally,
): Promise<CountResult> {
  const shardNo = index % batch.counterShards;
  const bit = Math.floor(index / batch.counterShards);
  const name = batchPaths.shard(batch.id, shardNo);
  const full = (counted: number): boolean =>
    batch.total !== null && counted >= shardCapacity(batch.total, shardNo, batch.counterShards);
  return updateJsonBlob<CountResult>(
    blobs,
    container,
    name,
    (found) => {
      const shard = found === undefined ? emptyShard() : toShard(found.value);
      const seen = Buffer.from(shard.seen, 'base64');
      if (hasBit(seen, bit)) return { done: { counted: false, shardFull: full(shard.counted) } };
      const next: Shard = {
        completed: shard.completed + (tally.kind === 'completed' ? 1 : 0),
        failed: shard.failed + (tally.kind === 'completed' ? 0 : 1),
        cancelled: shard.cancelled + (tally.kind === 'cancelled' ? 1 : 0),
        promptTokens: shard.promptTokens + tally.promptTokens,
        completionTokens: shard.completionTokens + tally.completionTokens,
        totalTokens: shard.totalTokens + tally.totalTokens,
        counted: shard.counted + 1,
        seen: withBit(seen, bit).toString('base64'),
      };
      return { write: next, written: () => ({ counted: true, shardFull: full(next.counted) }) };
    },
    {
      // Every item of a batch counts itself into one of `counterShards` shards, so concurrent item workers
      // (the queue's batch size times the instances) contend on the same few blobs by design; a count is cheap
      // to retry and losing one would leave the batch unfinished, so it gets the most tries.
      maxTries: 50,
      conflictMessage: `Counter shard ${name} kept changing.`,
    },
  );
}

/** The sum of every shard: `counterShards` small reads, whatever the batch size. */
export async function readBatchCounts(
  blobs: BlobStore,
  container: string,
  batch: { id: string; counterShards: number },
): Promise<BatchCounts & { counted: number }> {
  const shards = await Promise.all(
    Array.from({ length: batch.counterShards }, (_, shard) =>
      blobs.readJson(container, batchPaths.shard(batch.id, shard)),
    ),
  );
  const sum = { ...emptyShard() };
  for (const found of shards) {
    if (found === undefined) continue;
    const shard = toShard(found.value);
    sum.completed += shard.completed;
    sum.failed += shard.failed;
    sum.cancelled += shard.cancelled;
    sum.promptTokens += shard.promptTokens;
    sum.completionTokens += shard.completionTokens;
    sum.totalTokens += shard.totalTokens;
    sum.counted += shard.counted;
  }
  return {
    completed: sum.completed,
    failed: sum.failed,
    cancelled: sum.cancelled,
    promptTokens: sum.promptTokens,
    completionTokens: sum.completionTokens,
    totalTokens: sum.totalTokens,
    counted: sum.counted,
  };
}

function toShard(value: unknown): Shard {
  if (!isRecord(value)) return emptyShard();
  const number = (key: keyof BatchCounts | 'counted'): number =>
    typeof value[key] === 'number' ? value[key] : 0;
  return {
    completed: number('completed'),
    failed: number('failed'),
    cancelled: number('cancelled'),
    promptTokens: number('promptTokens'),
    completionTokens: number('completionTokens'),
    totalTokens: number('totalTokens'),
    counted: number('counted'),
    seen: typeof value.seen === 'string' ? value.seen : '',
  };
}

function hasBit(bitmap: Buffer, bit: number): boolean {
  const byte = bitmap[bit >> 3];
  return byte !== undefined && (byte & (1 << (bit & 7))) !== 0;
}

function withBit(bitmap: Buffer, bit: number): Buffer {
  const size = Math.max(bitmap.length, (bit >> 3) + 1);
  const next = Buffer.alloc(size);
  bitmap.copy(next);
  next[bit >> 3] = (next[bit >> 3] ?? 0) | (1 << (bit & 7));
  return next;
}
