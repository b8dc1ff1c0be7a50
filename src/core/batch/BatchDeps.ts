import type { PipelineDeps } from '../blob/processBlob';
import type { BlobBlocks } from '../ports/BlobBlocks';
import type { WorkQueue } from '../ports/WorkQueue';
import type { BatchSettings } from './BatchSettings';

export interface BatchDeps extends PipelineDeps {
  queue: WorkQueue;
  blocks: BlobBlocks;
  batch: BatchSettings;
}
