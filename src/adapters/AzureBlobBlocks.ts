import type { BlobServiceClient } from '@azure/storage-blob';
import { isRestError } from '@azure/core-rest-pipeline';
import { MediaCompletionsError } from '../core/errors/MediaCompletionsError';
import type { BlobBlocks } from '../core/ports/BlobBlocks';

/** The BlobBlocks port on @azure/storage-blob block blobs. */
export class AzureBlobBlocks implements BlobBlocks {
  constructor(private readonly service: BlobServiceClient) {}

  async readRange(
    container: string,
    name: string,
    range: { offset: number; count: number; ifMatch?: string },
  ): Promise<Uint8Array> {
    const blob = this.service.getContainerClient(container).getBlockBlobClient(name);
    try {
      // download() (unlike downloadToBuffer) accepts a count past the end and returns what there is.
      const response = await blob.download(range.offset, range.count, {
        conditions: range.ifMatch === undefined ? {} : { ifMatch: range.ifMatch },
      });
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
      return Buffer.concat(chunks);
    } catch (error) {
      const status = statusOf(error);
      // 416: the offset is at (or past) the end, which for a reader means "nothing more".
      if (status === 416) return new Uint8Array(0);
      if (status === 404) {
        throw new MediaCompletionsError('source_not_found', `${container}/${name} does not exist.`, {
          cause: error,
        });
      }
      if (status === 412) {
        throw new MediaCompletionsError('source_changed', `${container}/${name} changed while being read.`, {
          cause: error,
        });
      }
      throw storageError(error, `read ${container}/${name}`);
    }
  }

  async stageBlock(container: string, name: string, blockId: string, data: Uint8Array): Promise<void> {
    try {
      await this.service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .stageBlock(blockId, data, data.length);
    } catch (error) {
      throw storageError(error, `stage a block of ${container}/${name}`);
    }
  }

  async commitBlocks(
    container: string,
    name: string,
    blockIds: readonly string[],
    contentType: string,
  ): Promise<void> {
    try {
      await this.service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .commitBlockList([...blockIds], { blobHTTPHeaders: { blobContentType: contentType } });
    } catch (error) {
      throw storageError(error, `commit ${container}/${name}`);
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

function storageError(error: unknown, action: string): MediaCompletionsError {
  const status = statusOf(error);
  return new MediaCompletionsError('storage_error', `Could not ${action}: HTTP ${status ?? 'n/a'}.`, {
    retryable: status === undefined || status === 408 || status === 429 || status >= 500,
    cause: error,
  });
}
