import type { PipelineDeps } from '../blob/processBlob';
import type { BlobBlocks } from '../ports/BlobBlocks';
import type { JsonBlob } from '../ports/BlobStore';
import type { WorkQueue } from '../ports/WorkQueue';
import type { BatchRecordCache } from './BatchRecordCache';
import type { BatchSettings } from './BatchSettings';

export interface BatchDeps extends PipelineDeps {
  queue: WorkQueue;
  blocks: BlobBlocks;
  batch: BatchSettings;
  /** The process's copies of batch records (shared by every invocation of the process). */
  records: BatchRecordCache;
  /**
   * Only for a run that is its batch's only writer (the CLI's in-process run): the last version of each counter
   * shard this process saw, by name, so that a count writes without reading first. Where other instances count
   * too, a copy is mostly stale (a lost write plus a read: worse than reading first), so it is left out.
   */
  counterCopies?: Map<string, JsonBlob>;
}
