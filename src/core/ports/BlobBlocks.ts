/**
 * The block-level blob operations that let the batch read and write files larger than memory: ranged reads of
 * a manifest, and JSONL outputs staged page by page as blocks, then committed as one blob.
 */
export interface BlobBlocks {
  /** At most `count` bytes from `offset` (fewer at the end); throws `source_changed` when the ETag moved on. */
  readRange(
    container: string,
    name: string,
    range: { offset: number; count: number; ifMatch?: string },
  ): Promise<Uint8Array>;
  /** `blockId` is base64 of equal-length ids; staging the same id again replaces the block. */
  stageBlock(container: string, name: string, blockId: string, data: Uint8Array): Promise<void>;
  /** Replaces the blob with these blocks, in order (an empty list writes an empty blob). */
  commitBlocks(
    container: string,
    name: string,
    blockIds: readonly string[],
    contentType: string,
  ): Promise<void>;
}
