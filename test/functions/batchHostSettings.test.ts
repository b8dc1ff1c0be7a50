import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testConfig } from '../support/pipeline';

const root = path.join(__dirname, '../..');
const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

describe('batch queue settings', () => {
  const queues = (json('host.json').extensions as { queues: Record<string, unknown> }).queues;

  it('host.json gives the last delivery the count the handler expects', () => {
    expect(queues.maxDequeueCount).toBe(testConfig().batch.maxDequeueCount);
    const sample = (json('local.settings.sample.json').Values as Record<string, string>)
      .MEDIA_BATCH_MAX_DEQUEUE_COUNT;
    expect(Number(sample)).toBe(queues.maxDequeueCount);
  });

  it('host.json bounds messages in flight per instance and uses the encoding the queue adapter writes', () => {
    expect(queues).toMatchObject({ batchSize: 16, newBatchThreshold: 8, messageEncoding: 'base64' });
  });

  it('reads the batch settings with defaults and bounds', () => {
    expect(testConfig().batch).toEqual({
      queues: {
        item: 'media-batch',
        plan: 'media-batch-plan',
        finalize: 'media-batch-finalize',
        poison: 'media-batch-poison',
        planPoison: 'media-batch-plan-poison',
        finalizePoison: 'media-batch-finalize-poison',
      },
      planPageSize: 1000,
      counterShards: 16,
      maxDequeueCount: 5,
      containers: [testConfig().pipeline.inputContainer],
    });
    expect(() => testConfig({ MEDIA_BATCH_PAGE_SIZE: '6000' })).toThrow('MEDIA_BATCH_PAGE_SIZE');
  });
});
