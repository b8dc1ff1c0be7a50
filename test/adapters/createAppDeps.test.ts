import { createAppDeps } from '../../src/adapters/createAppDeps';
import type { Logger } from '../../src/core/ports/Logger';
import { testConfig } from '../support/pipeline';
import { testConnectionString } from '../support/storage';

const logger = (): Logger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});

describe('createAppDeps', () => {
  it('shares one set of clients, breaker and token limit across invocations, each with its own logger', async () => {
    const config = testConfig({ MediaStorage: testConnectionString() });
    const app = await createAppDeps(config);
    const [first, second] = [logger(), logger()];
    const a = app.pipeline(first);
    const b = app.http(second);
    expect(a.logger).toBe(first);
    expect(b.logger).toBe(second);
    for (const key of ['blobs', 'model', 'images', 'audio', 'breaker', 'tokenLimit'] as const) {
      expect(a[key]).toBeDefined();
      expect(b[key]).toBe(a[key]);
    }
    expect(b.http).toBe(config.http);
    expect(a.settings).toBe(config.pipeline);
  });

  it('adds the queue and block clients and batch settings for batches, built once', async () => {
    const config = testConfig({ MediaStorage: testConnectionString() });
    const app = await createAppDeps(config);
    const [one, two] = await Promise.all([app.batch(logger()), app.batch(logger())]);
    expect(one.batch).toBe(config.batch);
    expect(one.queue).toBe(two.queue);
    expect(one.blocks).toBe(two.blocks);
    expect(one.blobs).toBe(app.pipeline(logger()).blobs);
    // One Blob service client for both: one HTTP pipeline, connection pool and credential per process.
    const service = Reflect.get(one.blobs, 'service') as unknown;
    expect(service).toBeDefined();
    expect(Reflect.get(one.blocks, 'service')).toBe(service);
  });

  it('takes a clock and a jitter source in place of the real ones', async () => {
    const clock = { now: () => 0, sleep: () => Promise.resolve() };
    const random = (): number => 0.5;
    const deps = (await createAppDeps(testConfig(), { clock, random })).pipeline(logger());
    expect(deps.clock).toBe(clock);
    expect(deps.random).toBe(random);
  });
});
