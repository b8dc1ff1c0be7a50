import { isRecord } from '../json/isRecord';
import { updateJsonBlob } from '../outputs/updateJsonBlob';
import type { BlobStore, JsonBlob } from '../ports/BlobStore';
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

/**
 * Counts an item once: read the shard, set its bit and add its tally, write with If-Match (the counts also as
 * metadata, for {@link readBatchCounts}), retry on 412. With `copies` (see `BatchDeps.counterCopies`) the write
 * is conditional on the version this process last saw instead of a fresh read (a shard it has not seen is
 * created), and a lost condition reads as usual.
 */
export async function countBatchItem(
  blobs: BlobStore,
  container: string,
  batch: { id: string; counterShards: number; total: number | null },
  index: number,
  tally: ItemTally,
  copies?: Map<string, JsonBlob>,
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
      if (found !== undefined) copies?.set(name, found);
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
      return {
        write: next,
        metadata: metadataOf(next),
        written: (etag) => {
          copies?.set(name, { value: next, etag });
          return { counted: true, shardFull: full(next.counted) };
        },
      };
    },
    {
      ...(copies === undefined ? {} : { start: copies.get(name) ?? 'absent' }),
      // Every item of a batch counts itself into one of `counterShards` shards, so concurrent item workers
      // (the queue's batch size times the instances) contend on the same few blobs by design; a count is cheap
      // to retry and losing one would leave the batch unfinished, so it gets the most tries.
      maxTries: 50,
      conflictMessage: `Counter shard ${name} kept changing.`,
    },
  );
}

/**
 * The sum of every shard, from one listing of `counts/` with metadata (each shard's counts are also its metadata,
 * written in the same request as its body), whatever the batch size and the number of shards. A shard listed
 * without those metadata (written by an older version) is read instead.
 */
export async function readBatchCounts(
  blobs: BlobStore,
  container: string,
  batch: { id: string },
): Promise<BatchCounts & { counted: number }> {
  const shards: Shard[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await blobs.listPage(container, {
      prefix: batchPaths.counts(batch.id),
      includeMetadata: true,
      pageSize: 5000,
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    for (const item of page.items) {
      const listed = shardOfMetadata(item.metadata ?? {});
      shards.push(listed ?? toShard((await blobs.readJson(container, item.name))?.value));
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  const sum = emptyShard();
  for (const shard of shards) {
    for (const key of COUNT_KEYS) sum[key] += shard[key];
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

/** The counts of a shard, as numbers: its body fields and (in snake case) its metadata names. */
const COUNT_KEYS = [
  'completed',
  'failed',
  'cancelled',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'counted',
] as const;

const metadataName = (key: (typeof COUNT_KEYS)[number]): string =>
  key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function metadataOf(shard: Shard): Record<string, string> {
  return Object.fromEntries(COUNT_KEYS.map((key) => [metadataName(key), String(shard[key])]));
}

/** `undefined` unless every count is there as a decimal (names compared lowercase: storage may fold them). */
function shardOfMetadata(metadata: Record<string, string>): Shard | undefined {
  const lower = new Map(Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value]));
  const shard = emptyShard();
  for (const key of COUNT_KEYS) {
    const value = lower.get(metadataName(key));
    if (value === undefined || !/^\d+$/.test(value)) return undefined;
    shard[key] = Number(value);
  }
  return shard;
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
