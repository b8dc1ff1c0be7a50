import type { JsonBlob } from '../ports/BlobStore';
import type { Clock } from '../ports/Clock';
import type { BatchRecord } from './BatchRecord';

/** A batch record together with the ETag it was read or written at. */
export interface CachedBatchRecord {
  record: BatchRecord;
  etag: string;
}

export interface BatchRecordCacheOptions {
  /**
   * How long a copy serves the item workers, in milliseconds: the longest a cancel made elsewhere goes unseen
   * (items started meanwhile run as in-flight items do). `Infinity` for a run that is the batch's only driver.
   */
  maxAgeMs: number;
  /** Batches remembered at most (the least recently used are forgotten). */
  capacity?: number;
}

/**
 * This process's latest copy of each batch record it read or wrote, so that an item does not read `batch.json`
 * (one request per item, the same small blob for every worker). What an item needs from the record either never
 * changes after creation (source, overrides, output container, counter shards), changes once (`total`, set when
 * planning ends: a copy without it is read again), or only moves forward (the status: a cancel). Copies are
 * replaced by every read and write of this process, so a cancel made here is seen at once; one made by another
 * instance within `maxAgeMs`. Writes never trust a copy: they are conditional on its ETag (see
 * `updateBatchRecord`).
 */
export class BatchRecordCache {
  private readonly entries = new Map<string, CachedBatchRecord & { at: number }>();
  private readonly capacity: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: BatchRecordCacheOptions,
  ) {
    this.capacity = options.capacity ?? 256;
  }

  /** The copy, if it was read or written at most `maxAgeMs` ago. */
  recent(id: string): CachedBatchRecord | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || this.clock.now() - entry.at > this.options.maxAgeMs) return undefined;
    return { record: entry.record, etag: entry.etag };
  }

  /** The copy whatever its age: the version an update tries first. */
  latest(id: string): CachedBatchRecord | undefined {
    const entry = this.entries.get(id);
    return entry === undefined ? undefined : { record: entry.record, etag: entry.etag };
  }

  /** Runs `read` (of the record) and keeps what it found. */
  async readThrough(id: string, read: () => Promise<JsonBlob | undefined>): Promise<JsonBlob | undefined> {
    const since = this.clock.now();
    const found = await read();
    if (found !== undefined)
      this.remember(id, { record: found.value as BatchRecord, etag: found.etag }, since);
    return found;
  }

  /**
   * Keeps `copy`. A read passes the time it was sent: an answer that left storage before a copy this process
   * stored since (a write's) is older than that copy, and is not kept.
   */
  remember(id: string, copy: CachedBatchRecord, readSince?: number): void {
    const current = this.entries.get(id);
    if (current !== undefined && readSince !== undefined && current.at > readSince) return;
    this.entries.delete(id);
    this.entries.set(id, { ...copy, at: this.clock.now() });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
