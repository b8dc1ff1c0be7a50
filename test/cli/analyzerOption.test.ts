import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerBatchCommand } from '../../src/cli/batchCommand';
import { registerProcessCommand } from '../../src/cli/processCommand';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { runCliCommand } from '../support/runCliCommand';
import { uniqueName } from '../support/storage';

const ANALYZERS = {
  default: 'describe',
  analyzers: {
    describe: {},
    receipts: { match: ['receipts/'], prompt: 'Extract the receipt.' },
    labels: { prompt: 'Read the label.' },
  },
};

let harness: FunctionsHarness;

beforeAll(async () => {
  harness = await functionsHarness(
    {},
    { MEDIA_ANALYZERS: JSON.stringify(ANALYZERS), MEDIA_BATCH_QUEUE: uniqueName('cq') },
  );
});

afterAll(async () => {
  await harness.close();
});

const analyzerOf = async (name: string): Promise<unknown> =>
  ((await harness.blobs.readJson(harness.output, name))?.value as { analyzer?: unknown } | undefined)
    ?.analyzer;

describe('--analyzer', () => {
  it('process: routes by prefix without it, and applies the named analyzer to every input with it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-analyzer-'));
    writeFileSync(path.join(dir, 'r.png'), await encodeImage('png', 8, 8));
    const routed = await runCliCommand(registerProcessCommand, 'process', [
      '--prefix',
      'receipts/',
      path.join(dir, 'r.png'),
    ]);
    expect(routed.exitCode).toBe(0);
    expect(await analyzerOf('receipts/r.png.json')).toBe('receipts');
    const named = await runCliCommand(registerProcessCommand, 'process', [
      '--prefix',
      'cli-named/',
      '--analyzer',
      'labels',
      path.join(dir, 'r.png'),
    ]);
    expect(named.exitCode).toBe(0);
    expect(named.output).toContain('Read the label.');
    expect(await analyzerOf('cli-named/r.png.json')).toBe('labels');
  });

  it('process: refuses an unknown name before any input is touched', async () => {
    await expect(
      runCliCommand(registerProcessCommand, 'process', ['--prefix', 'none/', '--analyzer', 'invoices']),
    ).rejects.toMatchObject({
      code: 'unknown_analyzer',
      message: expect.stringContaining('"invoices"') as string,
    });
  });

  it('batch: records the analyzer on the batch and applies it to every item; refuses an unknown one', async () => {
    await harness.blobs.upload(harness.input, 'cli-batch/a.png', await encodeImage('png', 8, 8));
    const { output, exitCode } = await runCliCommand(registerBatchCommand, 'batch', [
      '--prefix',
      'cli-batch/',
      '--analyzer',
      'labels',
    ]);
    expect(exitCode).toBe(0);
    const id = /^Batch (batch_[0-9a-f]{24})$/m.exec(output)?.[1] ?? '';
    expect((await harness.blobs.readJson(harness.output, `batches/${id}/batch.json`))?.value).toMatchObject({
      analyzer: 'labels',
    });
    expect(await analyzerOf(`batches/${id}/items/cli-batch/a.png.json`)).toBe('labels');
    await expect(
      runCliCommand(registerBatchCommand, 'batch', ['--prefix', 'cli-batch/', '--analyzer', 'invoices']),
    ).rejects.toMatchObject({ code: 'unknown_analyzer' });
  });
});
