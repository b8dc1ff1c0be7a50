import type { CompletionOverrides } from '../completion/CompletionOverrides';
import { MediaCompletionsError } from '../errors/MediaCompletionsError';
import { isRecord } from '../json/isRecord';

/** Plans one page: a listing continuation token, or a byte offset into the manifest. */
export interface PlanMessage {
  type: 'plan';
  batchId: string;
  page: number;
  /** The index of the page's first item. */
  index: number;
  cursor?: string;
  /** Times this step came back from its poison queue (`requeuePoisonedBatchStep`); absent: never. */
  requeues?: number;
}

/** One input of the batch. `index` is dense from 0 and picks the item's bit in a counter shard. */
export interface ItemMessage {
  type: 'item';
  batchId: string;
  index: number;
  container: string;
  name: string;
  /** As listed: identifies the item when the blob is gone by the time it is processed. */
  etag: string;
  size: number;
  contentType: string | null;
  /** Manifest items: their `custom_id`, which also names their documents. */
  customId?: string;
  overrides?: CompletionOverrides;
  /** A manifest line the authorization step refused: recorded as this error, with no storage read of it. */
  refused?: { code: string; message: string };
}

/** Writes one page of results.jsonl / errors.jsonl as blocks, then re-enqueues itself, then commits. */
export interface FinalizeMessage {
  type: 'finalize';
  batchId: string;
  page: number;
  cursor?: string;
  /** Pages that staged a results or an errors block (their block ids are derived from the page number). */
  resultPages: number[];
  errorPages: number[];
  /** Pages that staged an outputs.jsonl / outputs.csv block (absent in messages from before structured outputs). */
  outputPages?: number[];
  csvPages?: number[];
  /** Times this step came back from its poison queue (`requeuePoisonedBatchStep`); absent: never. */
  requeues?: number;
  /** Per other analyzer, the pages that staged an `outputs.<analyzer>.csv` block. */
  analyzerCsvPages?: Record<string, number[]>;
}

export type BatchMessage = PlanMessage | ItemMessage | FinalizeMessage;

/**
 * Reads a queue message (the host gives JSON messages as objects, others as text). A malformed message can never
 * succeed, so it is a permanent `invalid_message`.
 */
export function parseBatchMessage<T extends BatchMessage['type']>(
  message: unknown,
  type: T,
): Extract<BatchMessage, { type: T }> {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      value = undefined;
    }
  }
  if (!isRecord(value) || value.type !== type || typeof value.batchId !== 'string' || !wellFormed(value)) {
    throw new MediaCompletionsError('invalid_message', `The queue message is not a batch ${type} message.`);
  }
  return value as unknown as Extract<BatchMessage, { type: T }>;
}

function wellFormed(value: Record<string, unknown>): boolean {
  const integer = (key: string): boolean => Number.isSafeInteger(value[key]) && (value[key] as number) >= 0;
  const optionalString = (key: string): boolean => value[key] === undefined || typeof value[key] === 'string';
  const requeues = value.requeues === undefined || integer('requeues');
  const pageList = (list: unknown): boolean =>
    Array.isArray(list) && (list as unknown[]).every((page) => Number.isSafeInteger(page));
  const pages = (key: string): boolean => pageList(value[key]);
  switch (value.type) {
    case 'plan':
      return integer('page') && integer('index') && optionalString('cursor') && requeues;
    case 'item':
      return (
        integer('index') &&
        typeof value.container === 'string' &&
        typeof value.name === 'string' &&
        typeof value.etag === 'string' &&
        integer('size') &&
        (value.contentType === null || typeof value.contentType === 'string') &&
        optionalString('customId') &&
        (value.overrides === undefined || isRecord(value.overrides)) &&
        (value.refused === undefined ||
          (isRecord(value.refused) &&
            typeof value.refused.code === 'string' &&
            typeof value.refused.message === 'string'))
      );
    case 'finalize':
      return (
        integer('page') &&
        optionalString('cursor') &&
        pages('resultPages') &&
        pages('errorPages') &&
        (value.outputPages === undefined || pages('outputPages')) &&
        (value.csvPages === undefined || pages('csvPages')) &&
        requeues &&
        (value.analyzerCsvPages === undefined ||
          (isRecord(value.analyzerCsvPages) && Object.values(value.analyzerCsvPages).every(pageList)))
      );
    default:
      return false;
  }
}
