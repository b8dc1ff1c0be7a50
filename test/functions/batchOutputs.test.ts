import { HttpRequest } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { BatchView } from '../../src/core/batch/BatchView';
import type * as FinalizeBatchModule from '../../src/functions/finalizeBatch';
import type * as PlanBatchModule from '../../src/functions/planBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type * as ProcessBatchItemModule from '../../src/functions/processBatchItem';
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
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const queues = QueueServiceClient.fromConnectionString(testConnectionString());
let harness: FunctionsHarness;
let queue: string;
let post: typeof PostBatchModule;
let plan: typeof PlanBatchModule;
let item: typeof ProcessBatchItemModule;
let finalize: typeof FinalizeBatchModule;

beforeAll(async () => {
  queue = uniqueName('oq');
  harness = await functionsHarness(
    {},
    { MEDIA_ANALYZERS: JSON.stringify(ANALYZERS), MEDIA_BATCH_QUEUE: queue },
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
});

afterAll(() => harness.close());

/** Creates a batch over `prefix` and runs it to the end through the handlers, as the host would. */
async function runBatch(body: object): Promise<string> {
  const created = await post.postBatch(
    new HttpRequest({
      method: 'POST',
      url: 'https://app.example/api/batches',
      body: { string: JSON.stringify(body) },
    }),
    harness.context('postBatch', {}),
  );
  const { id } = created.jsonBody as BatchView;
  const drain = async (name: string, run: (message: unknown) => Promise<unknown>): Promise<void> => {
    for (const message of await receiveAllMessages(queues, name)) await run(message);
  };
  await drain(`${queue}-plan`, (message) =>
    plan.planBatch(message, harness.context('planBatch', { dequeueCount: 1 })),
  );
  await drain(queue, (message) =>
    item.processBatchItem(message, harness.context('processBatchItem', { dequeueCount: 1 })),
  );
  await drain(`${queue}-finalize`, (message) =>
    finalize.finalizeBatch(message, harness.context('finalizeBatch', { dequeueCount: 1 })),
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
      ['custom_id', 'output'],
      ['custom_id', 'output'],
      ['custom_id', 'output'],
    ]);
    expect(outputs.map((line) => line.custom_id)).toEqual(results.map((line) => line.custom_id));
    for (const [index, line] of outputs.entries()) {
      expect(ajv.validate(FLAT_SCHEMA, line.output)).toBe(true);
      const body = (results[index]?.response as { body: { choices: { message: { content: string } }[] } })
        .body;
      expect(line.output).toEqual(JSON.parse(body.choices[0]?.message.content ?? ''));
    }
    const csv = (await text(`batches/${id}/outputs.csv`))?.split('\n');
    expect(csv?.[0]).toBe('title,contact,seen_at,score,reviewed,note');
    expect(csv).toHaveLength(5); // header, three rows, the final line end
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
});
