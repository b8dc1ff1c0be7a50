import { countBatchItem, readBatchCounts } from '../../../src/core/batch/batchCounters';
import { batchPaths } from '../../../src/core/batch/batchPaths';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';
import { uniqueName } from '../../support/storage';

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await pipelineHarness();
});

afterAll(async () => {
  await harness.close();
});

const tally = (kind: 'completed' | 'failed', tokens = 0) => ({
  kind,
  promptTokens: tokens,
  completionTokens: 0,
  totalTokens: tokens,
});

describe('batch counters', () => {
  it('counts each index once and reads every shard from one listing of their metadata', async () => {
    const batch = { id: uniqueName('batch'), counterShards: 4, total: 6 };
    for (const index of [0, 1, 2, 3, 4, 5, 5, 0]) {
      await countBatchItem(
        harness.blobs,
        harness.output,
        batch,
        index,
        index === 3 ? tally('failed') : tally('completed', 10),
      );
    }
    const shard = await harness.blobs.listPage(harness.output, {
      prefix: batchPaths.counts(batch.id),
      includeMetadata: true,
    });
    expect(shard.items).toHaveLength(4);
    expect(shard.items[0]?.metadata).toMatchObject({ counted: '2', completed: '2', prompt_tokens: '20' });
    expect(await readBatchCounts(harness.blobs, harness.output, batch)).toEqual({
      completed: 5,
      failed: 1,
      cancelled: 0,
      promptTokens: 50,
      completionTokens: 0,
      totalTokens: 50,
      counted: 6,
    });
  });

  it('reads a shard written without the metadata (by an older version) from its body', async () => {
    const batch = { id: uniqueName('batch'), counterShards: 2, total: 3 };
    await countBatchItem(harness.blobs, harness.output, batch, 0, tally('completed', 7));
    const old = {
      completed: 1,
      failed: 1,
      cancelled: 1,
      promptTokens: 3,
      completionTokens: 0,
      totalTokens: 3,
    };
    await harness.blobs.writeJson(
      harness.output,
      batchPaths.shard(batch.id, 1),
      { ...old, counted: 2, seen: Buffer.from([0b11]).toString('base64') },
      undefined,
    );
    expect(await readBatchCounts(harness.blobs, harness.output, batch)).toEqual({
      completed: 2,
      failed: 1,
      cancelled: 1,
      promptTokens: 10,
      completionTokens: 0,
      totalTokens: 10,
      counted: 3,
    });
  });
});
