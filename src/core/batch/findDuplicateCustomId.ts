import { createHash } from 'node:crypto';
import type { BlobBlocks } from '../ports/BlobBlocks';

/** Bytes of manifest read per round trip. */
const CHUNK = 4 * 1024 * 1024;
/** Longer ids are remembered by their hash: memory per line stays small whatever the ids are. */
const MAX_KEPT_CHARS = 44;

/** A `custom_id` given twice, with the 1-based line numbers of its first and second use. */
export interface DuplicateCustomId {
  customId: string;
  firstLine: number;
  line: number;
}

/**
 * Reads the whole manifest (at the ETag the batch pins) and finds the first `custom_id` used twice: two items
 * with one id would share one document, and one output line would stand for two counted items. Lines that are
 * not JSON objects with a string `custom_id` are left to the planner, which refuses them with their offset.
 */
export async function findDuplicateCustomId(
  blocks: BlobBlocks,
  manifest: { container: string; name: string; etag: string },
): Promise<DuplicateCustomId | undefined> {
  const seen = new Map<string, number>();
  let carry = Buffer.alloc(0);
  let lineNumber = 0;
  for (let offset = 0; ; offset += CHUNK) {
    const chunk = Buffer.from(
      await blocks.readRange(manifest.container, manifest.name, {
        offset,
        count: CHUNK,
        ifMatch: manifest.etag,
      }),
    );
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const atEnd = chunk.length < CHUNK;
    let start = 0;
    for (let end = bytes.indexOf(0x0a); end !== -1 || atEnd; end = bytes.indexOf(0x0a, start)) {
      const last = end === -1;
      const line = bytes.subarray(start, last ? bytes.length : end);
      start = last ? bytes.length : end + 1;
      if (last && line.length === 0) break;
      lineNumber += 1;
      const customId = customIdOf(line);
      if (customId !== undefined) {
        const key =
          customId.length > MAX_KEPT_CHARS
            ? createHash('sha256').update(customId).digest('base64')
            : customId;
        const firstLine = seen.get(key);
        if (firstLine !== undefined) return { customId, firstLine, line: lineNumber };
        seen.set(key, lineNumber);
      }
      if (last) break;
    }
    if (atEnd) return undefined;
    carry = bytes.subarray(start);
  }
}

function customIdOf(line: Buffer): string | undefined {
  try {
    const value = JSON.parse(line.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { custom_id: customId } = value as { custom_id?: unknown };
    return typeof customId === 'string' ? customId : undefined;
  } catch {
    return undefined;
  }
}
