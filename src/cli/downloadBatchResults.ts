import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { batchPaths } from '../core/batch/batchPaths';
import type { BatchView } from '../core/batch/BatchView';
import type { BlobStore } from '../core/ports/BlobStore';

export interface DownloadBatchResultsOptions {
  /** Folder the files go into (created when missing). */
  dir: string;
}

/**
 * Writes a finalized batch's `results.jsonl`, `errors.jsonl` and any `outputs.*` files from the output container
 * into `options.dir`, under their own names. Returns the local paths written, with sizes in bytes. Each file is
 * read whole (the BlobStore port has no streaming download); a 100,000-item batch is ~100 MB.
 * @throws Error when the batch has no output files yet (not completed or cancelled).
 */
export async function downloadBatchResults(
  blobs: BlobStore,
  outputContainer: string,
  view: BatchView,
  options: DownloadBatchResultsOptions,
): Promise<{ path: string; bytes: number }[]> {
  if (view.output_file === null) {
    throw new Error(
      `Batch ${view.id} is ${view.status}: its results.jsonl and errors.jsonl are written when it completes ` +
        'or is cancelled.',
    );
  }
  const outputsPrefix = `${path.posix.dirname(batchPaths.results(view.id))}/outputs.`;
  const outputs = await blobs.listPage(outputContainer, { prefix: outputsPrefix, pageSize: 100 });
  const names = [
    view.output_file,
    ...(view.error_file === null ? [] : [view.error_file]),
    ...outputs.items.map((item) => item.name),
  ];
  await mkdir(options.dir, { recursive: true });
  const written: { path: string; bytes: number }[] = [];
  for (const name of names) {
    const bytes = await blobs.download(outputContainer, name);
    const file = path.join(options.dir, path.posix.basename(name));
    await writeFile(file, bytes);
    written.push({ path: file, bytes: bytes.length });
  }
  return written;
}
