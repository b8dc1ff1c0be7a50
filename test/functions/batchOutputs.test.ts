import { HttpRequest } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { BatchView } from '../../src/core/batch/BatchView';
import type * as FinalizeBatchModule from '../../src/functions/finalizeBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
import { outputCsvText } from '../../src/core/batch/outputCsvText';
import { encodeImage } from '../core/media/fixtures';
import { FLAT_SCHEMA, RECEIPT_SCHEMA } from '../fixtures/outputSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { receiveAllMessages } from '../support/receiveAllMessages';
import { testConnectionString, uniqueName } from '../support/storage';

const ANALYZERS = {
  default: 'describe',
  analyzers: {
    describe: {},
    reviews: {
      match: ['reviews/'],
      prompt: 'Review this as JSON.',
      output: { name: 'review', schema: FLAT_SCHEMA },
    },
    receipts: {
      match: ['receipts/'],
      prompt: 'Extract the receipt.',
      output: { name: 'receipt', schema: RECEIPT_SCHEMA },
    },
    ratings: {
      match: ['ratings/'],
      prompt: 'Rate this as JSON.',
      output: { name: 'rating', schema: FLAT_SCHEMA },
    },
  },
};

const FLAT_COLUMNS = Object.keys(FLAT_SCHEMA.properties);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const queues = QueueServiceClient.fromConnectionString(testConnectionString());
let harness: FunctionsHarness;
let queue: string;
let post: typeof PostBatchModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let finalize: typeof FinalizeBatchModule;
/** Finalizer invocations of the last `runBatch`: one per page of item documents. */
let finalizePages = 0;

beforeAll(async () => {
  queue = uniqueName('oq');
  harness = await functionsHarness(
    {},
    // Two items per planner and finalizer page, so that every batch here spans several pages.
    { MEDIA_ANALYZERS: JSON.stringify(ANALYZERS), MEDIA_BATCH_QUEUE: queue, MEDIA_BATCH_PAGE_SIZE: '2' },
  );
  post = await import('../../src/functions/postBatch');
  plan = await import('../../src/functions/planBatch');
  item = await import('../../src/functions/processBatchItem');
  finalize = await import('../../src/functions/finalizeBatch');
  const images = await Promise.all([
    encodeImage('png', 8, 8),
    encodeImage('png', 9, 7),
    encodeImage('png', 6, 6),
  ]);
  await Promise.all(
    ['reviews/', 'receipts/', 'plain/'].flatMap((prefix) => [
      ...images.map((png, n) => harness.blobs.upload(harness.input, `${prefix}${n}.png`, png)),
      harness.blobs.upload(harness.input, `${prefix}notes.txt`, Buffer.from('not media')),
    ]),
  );
  await harness.blobs.upload(harness.input, 'ratings/0.png', images[0]);
  await harness.blobs.upload(harness.input, 'mixed/0.png', images[0]);
  // Blob metadata names another analyzer: it wins over the batch's (docs/analyzers.md, "Which analyzer runs").
  await harness.blobs.upload(harness.input, 'mixed/1.png', images[1], {
    metadata: { analyzer: 'receipts' },
  });
});

afterAll(() => harness.close());

/**
 * Creates a batch over `prefix` and runs it to the end through the handlers, as the host would; `finalizer` is
 * the finalizeBatch module of another process (another configuration) when given.
 */
async function runBatch(body: object, finalizer = finalize): Promise<string> {
  const created = await post.postBatch(
    new HttpRequest({
      method: 'POST',
      url: 'https://app.example/api/batches',
      body: { string: JSON.stringify(body) },
    }),
    harness.context('postBatch', {}),
  );
  const { id } = created.jsonBody as BatchView;
  // The planner and the finalizer re-enqueue themselves once per page: drain until a queue stays empty.
  const drain = async (name: string, run: (message: unknown) => Promise<unknown>): Promise<number> => {
    let handled = 0;
    for (let messages = await receiveAllMessages(queues, name); messages.length > 0;) {
      for (const message of messages) await run(message);
      handled += messages.length;
      messages = await receiveAllMessages(queues, name);
    }
    return handled;
  };
  await drain(`${queue}-plan`, (message) =>
    plan.planBatch(message, harness.context('planBatch', { dequeueCount: 1 })),
  );
  await drain(queue, (message) =>
    item.processBatchItem(message, harness.context('processBatchItem', { dequeueCount: 1 })),
  );
  finalizePages = await drain(`${queue}-finalize`, (message) =>
    finalizer.finalizeBatch(message, harness.context('finalizeBatch', { dequeueCount: 1 })),
  );
  return id;
}

async function text(name: string): Promise<string | undefined> {
  try {
    return Buffer.from(await harness.blobs.download(harness.output, name)).toString('utf8');
  } catch {
    return undefined;
  }
}

function lines(content: string | undefined): Record<string, unknown>[] {
  return (content ?? '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('batch outputs.jsonl and outputs.csv', () => {
  it('writes every succeeded output in results order, and a CSV in the schema’s column order for a flat schema', async () => {
    const id = await runBatch({ prefix: 'reviews/', analyzer: 'reviews' });
    const results = lines(await text(`batches/${id}/results.jsonl`));
    expect(results).toHaveLength(3);
    expect(lines(await text(`batches/${id}/errors.jsonl`))).toHaveLength(1);
    const outputs = lines(await text(`batches/${id}/outputs.jsonl`));
    expect(outputs.map((line) => Object.keys(line))).toEqual([
      ['custom_id', 'analyzer', 'output'],
      ['custom_id', 'analyzer', 'output'],
      ['custom_id', 'analyzer', 'output'],
    ]);
    expect(outputs.map((line) => line.custom_id)).toEqual(results.map((line) => line.custom_id));
    for (const [index, line] of outputs.entries()) {
      expect(ajv.validate(FLAT_SCHEMA, line.output)).toBe(true);
      const body = (results[index]?.response as { body: { choices: { message: { content: string } }[] } })
        .body;
      expect(line.output).toEqual(JSON.parse(body.choices[0]?.message.content ?? ''));
    }
    expect(finalizePages).toBe(2); // four documents (three results, one error), two per page
    const csv = (await text(`batches/${id}/outputs.csv`))?.split('\n');
    expect(csv?.[0]).toBe('title,contact,seen_at,score,reviewed,note');
    expect(csv).toHaveLength(5); // header (once), three rows, the final line end
    expect(csv?.slice(1, 4)).toEqual(
      outputs.map((line) => outputCsvText(FLAT_COLUMNS, [line.output], false).trimEnd()),
    );
    const first = outputs[0]?.output as { contact: string; score: number; reviewed: boolean };
    expect(csv?.[1]).toContain(`,"${first.contact}",`);
    expect(csv?.[1]).toMatch(new RegExp(`,${first.score},${String(first.reviewed)},`));
  });

  it('writes outputs.jsonl but no CSV when the schema nests, and neither without an output schema', async () => {
    const receipts = await runBatch({ prefix: 'receipts/', analyzer: 'receipts' });
    const outputs = lines(await text(`batches/${receipts}/outputs.jsonl`));
    expect(outputs).toHaveLength(3);
    expect(outputs.every((line) => ajv.validate(RECEIPT_SCHEMA, line.output))).toBe(true);
    expect(await text(`batches/${receipts}/outputs.csv`)).toBeUndefined();

    const plain = await runBatch({ prefix: 'plain/' });
    expect(lines(await text(`batches/${plain}/results.jsonl`))).toHaveLength(3);
    expect(await text(`batches/${plain}/outputs.jsonl`)).toBeUndefined();
    expect(await text(`batches/${plain}/outputs.csv`)).toBeUndefined();
  });

  /**
   * outputs.csv has the columns of the batch analyzer's schema: an item that another analyzer ran (its blob
   * metadata, or a manifest line, names it) must not land in it as a row of empty cells; outputs.jsonl keeps
   * every output and says which analyzer made it.
   */
  it('writes only outputs of the batch analyzer’s schema to outputs.csv, and every output to outputs.jsonl', async () => {
    const id = await runBatch({ prefix: 'mixed/', analyzer: 'reviews' });
    const outputs = lines(await text(`batches/${id}/outputs.jsonl`));
    expect(outputs.map((line) => [line.custom_id, line.analyzer])).toEqual([
      ['mixed/0.png', 'reviews'],
      ['mixed/1.png', 'receipts'],
    ]);
    expect(ajv.validate(RECEIPT_SCHEMA, outputs[1]?.output)).toBe(true);
    const rows = (await text(`batches/${id}/outputs.csv`))?.trimEnd().split('\n') ?? [];
    expect(rows[0]).toBe('title,contact,seen_at,score,reviewed,note');
    expect(rows.slice(1).filter((row) => /^,*$/.test(row))).toEqual([]);
    expect(rows).toHaveLength(2);
    expect(await text(`batches/${id}/outputs.receipts.csv`)).toBeUndefined(); // nested: no CSV
  });

  it('gives a batch routed by folder one outputs.<analyzer>.csv per analyzer with a flat schema', async () => {
    const id = await runBatch({ container: harness.input });
    const outputs = lines(await text(`batches/${id}/outputs.jsonl`));
    const analyzers = outputs.map((line) => line.analyzer);
    expect(analyzers.filter((name) => name === 'reviews')).toHaveLength(3);
    expect(analyzers.filter((name) => name === 'receipts')).toHaveLength(4); // mixed/1.png by metadata
    expect(analyzers.filter((name) => name === 'ratings')).toHaveLength(1);
    expect(await text(`batches/${id}/outputs.csv`)).toBeUndefined();
    const reviews = (await text(`batches/${id}/outputs.reviews.csv`))?.trimEnd().split('\n');
    expect(reviews?.[0]).toBe('title,contact,seen_at,score,reviewed,note');
    expect(reviews).toHaveLength(4);
    const ratings = (await text(`batches/${id}/outputs.ratings.csv`))?.trimEnd().split('\n');
    expect(ratings).toHaveLength(2);
    expect(await text(`batches/${id}/outputs.receipts.csv`)).toBeUndefined();
  });

  it('keeps the CSV columns recorded at creation when the finalizer runs with another configuration', async () => {
    // A deploy between the items and the finalizer: the reviews schema cut to two columns.
    const cut = { title: { type: 'string' }, score: { type: 'integer' } };
    const changed = {
      default: 'describe',
      analyzers: {
        describe: {},
        reviews: {
          ...ANALYZERS.analyzers.reviews,
          output: {
            name: 'review',
            schema: {
              type: 'object',
              properties: cut,
              required: ['title', 'score'],
              additionalProperties: false,
            },
          },
        },
      },
    };
    const saved = process.env.MEDIA_ANALYZERS;
    process.env.MEDIA_ANALYZERS = JSON.stringify(changed);
    try {
      await jest.isolateModulesAsync(async () => {
        const restarted = await import('../../src/functions/finalizeBatch');
        const id = await runBatch({ prefix: 'reviews/', analyzer: 'reviews', force: true }, restarted);
        const csv = (await text(`batches/${id}/outputs.csv`))?.trimEnd().split('\n');
        expect(csv?.[0]).toBe('title,contact,seen_at,score,reviewed,note');
        expect(csv).toHaveLength(4);
      });
    } finally {
      process.env.MEDIA_ANALYZERS = saved;
    }
  });
});
