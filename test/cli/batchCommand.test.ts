import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { registerBatchCommand } from '../../src/cli/batchCommand';
import { encodeImage, wav } from '../core/media/fixtures';
import { FLAT_SCHEMA } from '../fixtures/outputSchemas';
import { captureStderr } from '../support/captureStderr';
import { runCliCommand } from '../support/runCliCommand';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { testConnectionString, uniqueName } from '../support/storage';

let harness: FunctionsHarness;
const queue = uniqueName('cq');

beforeAll(async () => {
  harness = await functionsHarness({ faults: ['503'] }, { MEDIA_BATCH_QUEUE: queue });
});

afterAll(async () => {
  await harness.close();
});

function runCli(...args: string[]): Promise<{ output: string; exitCode: number }> {
  return runCliCommand(registerBatchCommand, 'batch', args);
}

describe('media-completions batch', () => {
  it('runs a batch in-process over good and bad files and prints the id and a summary', async () => {
    await harness.blobs.upload(harness.input, 'cli/a.png', await encodeImage('png', 20, 20));
    await harness.blobs.upload(harness.input, 'cli/b.jpg', await encodeImage('jpeg', 20, 20));
    await harness.blobs.upload(harness.input, 'cli/c.wav', wav({ seconds: 0.5 }));
    await harness.blobs.upload(harness.input, 'cli/notes.txt', Buffer.from('plain text'));
    await harness.blobs.upload(harness.input, 'cli/empty.png', new Uint8Array(0));
    const { output, exitCode } = await runCli(
      '--prefix',
      'cli/',
      '--prompt',
      'Describe.',
      '--concurrency',
      '3',
    );
    expect(exitCode).toBe(0);
    const id = /^Batch (batch_[0-9a-f]{24})$/m.exec(output)?.[1];
    expect(id).toBeDefined();
    expect(output).toContain(`Batch ${id ?? ''}: completed`);
    expect(output).toContain('Requests: 5 total, 3 completed, 2 failed');
    expect(output).toMatch(/Tokens: \d+ prompt, \d+ completion, \d+ total/);
    expect(output).toContain(`Results: ${harness.output}/batches/${id}/results.jsonl`);
    const results = Buffer.from(
      await harness.blobs.download(harness.output, `batches/${id}/results.jsonl`),
    ).toString('utf8');
    const errors = Buffer.from(
      await harness.blobs.download(harness.output, `batches/${id}/errors.jsonl`),
    ).toString('utf8');
    expect(results.trim().split('\n')).toHaveLength(3);
    expect(errors.trim().split('\n')).toHaveLength(2);

    const status = await runCli('status', id ?? '');
    expect(status.output).toContain(`Batch ${id}: completed`);
    expect(status.output).toContain('Requests: 5 total, 3 completed, 2 failed');

    // The identical request again reports the existing batch instead of running it twice.
    const again = await runCli('--prefix', 'cli/', '--prompt', 'Describe.');
    expect(again.output).toContain(`Batch ${id} (existing; pass --force for a new run)`);

    // `batch results` downloads both files, and an outputs.* file next to them, under their own names.
    await harness.blobs.upload(
      harness.output,
      `batches/${id}/outputs.csv`,
      Buffer.from('custom_id,completion\n'),
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-results-'));
    const downloaded = await runCli('results', id ?? '', '--out', dir);
    expect(downloaded.exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'results.jsonl'), 'utf8')).toBe(results);
    expect(readFileSync(path.join(dir, 'errors.jsonl'), 'utf8')).toBe(errors);
    expect(readFileSync(path.join(dir, 'outputs.csv'), 'utf8')).toBe('custom_id,completion\n');
    expect(downloaded.output).toContain(
      `${path.join(dir, 'results.jsonl')} (${Buffer.byteLength(results)} bytes)`,
    );
  });

  it('with --analyzer, writes and downloads outputs.jsonl and outputs.csv for a flat output schema', async () => {
    const analyzers = {
      analyzers: { reviews: { prompt: 'Review as JSON.', output: { name: 'review', schema: FLAT_SCHEMA } } },
    };
    const before = process.env.MEDIA_ANALYZERS;
    process.env.MEDIA_ANALYZERS = JSON.stringify(analyzers);
    try {
      await harness.blobs.upload(harness.input, 'cli-out/a.png', await encodeImage('png', 12, 12));
      await harness.blobs.upload(harness.input, 'cli-out/b.png', await encodeImage('png', 14, 10));
      const { output, exitCode } = await runCli('--prefix', 'cli-out/', '--analyzer', 'reviews');
      expect(exitCode).toBe(0);
      const id = /^Batch (batch_[0-9a-f]{24})$/m.exec(output)?.[1] ?? '';
      const dir = mkdtempSync(path.join(tmpdir(), 'mc-outputs-'));
      expect((await runCli('results', id, '--out', dir)).exitCode).toBe(0);
      const outputs = readFileSync(path.join(dir, 'outputs.jsonl'), 'utf8').trim().split('\n');
      expect(outputs.map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)).toEqual([
        'cli-out/a.png',
        'cli-out/b.png',
      ]);
      const csv = readFileSync(path.join(dir, 'outputs.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe(Object.keys(FLAT_SCHEMA.properties).join(','));
      expect(csv).toHaveLength(3);
    } finally {
      if (before === undefined) delete process.env.MEDIA_ANALYZERS;
      else process.env.MEDIA_ANALYZERS = before;
    }
  });

  it('warns and creates no batch when the prefix or the container holds nothing', async () => {
    const stderr = captureStderr();
    try {
      const empty = await runCli('--prefix', 'nothing-here/');
      expect(empty.output).not.toContain('Batch batch_');
      expect(stderr.text()).toContain(
        `Warning: no blobs in ${harness.input}/nothing-here/*; nothing to process`,
      );
      expect(stderr.text()).toContain('No batch was created.');
      await runCli('--container', 'no-such-container', '--enqueue');
      expect(stderr.text()).toContain('Warning: container no-such-container does not exist');
    } finally {
      stderr.restore();
    }
  });

  it('results refuses a batch that has not finished', async () => {
    await harness.blobs.upload(harness.input, 'pending/a.png', await encodeImage('png', 4, 4));
    const { output } = await runCli('--prefix', 'pending/', '--enqueue');
    const id = /Batch (batch_[0-9a-f]{24}) submitted/.exec(output)?.[1] ?? '';
    await expect(runCli('results', id)).rejects.toThrow(`Batch ${id} is validating`);
  });

  it('--enqueue submits the batch to the app through the plan queue', async () => {
    await harness.blobs.upload(harness.input, 'enq/a.png', await encodeImage('png', 4, 4));
    const { output } = await runCli('--prefix', 'enq/', '--enqueue');
    const id = /Batch (batch_[0-9a-f]{24}) submitted/.exec(output)?.[1];
    expect(id).toBeDefined();
    const plans = QueueServiceClient.fromConnectionString(testConnectionString()).getQueueClient(
      `${queue}-plan`,
    );
    const { receivedMessageItems } = await plans.receiveMessages({ numberOfMessages: 32 });
    const messages = receivedMessageItems.map(
      (message) => JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')) as unknown,
    );
    expect(messages).toContainEqual({ type: 'plan', batchId: id, page: 0, index: 0 });
  });
});
