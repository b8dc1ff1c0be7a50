import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { HttpRequest } from '@azure/functions';
import type * as GetBatchModule from '../../src/functions/getBatch';
import type * as PostBatchModule from '../../src/functions/postBatch';
import type { BatchView } from '../../src/core/batch/BatchView';
import { encodeImage } from '../core/media/fixtures';
import { builtCli } from '../support/builtCli';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { uniqueName } from '../support/storage';

const ITEMS = 500;
const BAD = 12;

let harness: FunctionsHarness;
let postBatch: typeof PostBatchModule;
let getBatch: typeof GetBatchModule;

beforeAll(async () => {
  const cli = builtCli();
  expect(cli).toMatch(/main\.js$/);
  // Throttling and 5xx on 30% of calls; with 3 attempts per delivery some deliveries fail and are redelivered.
  // A content-filter fault is a permanent error: an error document, counted as failed.
  harness = await functionsHarness(
    { faultRate: 0.3, faultKinds: ['429', '503', '500', 'content-filter'], seed: 11, latencyMs: [2, 10] },
    { MEDIA_BATCH_QUEUE: uniqueName('mb'), MEDIA_RETRY_MAX_ATTEMPTS: '3', MEDIA_BATCH_PAGE_SIZE: '200' },
  );
  postBatch = await import('../../src/functions/postBatch');
  getBatch = await import('../../src/functions/getBatch');
});

afterAll(async () => {
  await harness.close();
});

/** One `media-completions batch worker` OS process: the queue handlers run as the host would run them. */
function worker(): Promise<{ invocations: number; failures: number; poisoned: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        builtCli(),
        'batch',
        'worker',
        '--in-flight',
        '16',
        '--visibility-timeout',
        '60',
        '--idle-exit',
        '2500',
      ],
      // A temporary cwd: a developer's local.settings.json must not fill in settings the test left unset.
      { env: process.env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as never);
    });
  });
}

const jsonLines = (text: string): { custom_id: string; error: unknown }[] =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as { custom_id: string; error: unknown });

describe('batch over Storage Queues with two worker processes', () => {
  it(`drains a ${ITEMS}-item batch with faults: one document per item, exact counts and tokens, one JSONL line each`, async () => {
    const png = await encodeImage('png', 32, 32);
    const names = Array.from({ length: ITEMS }, (_, n) =>
      n < BAD ? `w/bad-${n}.txt` : `w/img-${String(n).padStart(4, '0')}.png`,
    );
    for (let start = 0; start < names.length; start += 100) {
      await Promise.all(
        names
          .slice(start, start + 100)
          .map((name) =>
            harness.blobs.upload(harness.input, name, name.endsWith('.txt') ? Buffer.from('not media') : png),
          ),
      );
    }
    const created = await postBatch.postBatch(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/batches',
        body: { string: JSON.stringify({ prefix: 'w/', prompt: 'Describe it.' }) },
      }),
      harness.context('postBatch', {}),
    );
    expect(created.status).toBe(202);
    const { id, status_url: statusUrl } = created.jsonBody as { id: string; status_url: string };
    expect(statusUrl).toBe(`http://localhost:7071/api/batches/${id}`);

    const stats = await Promise.all([worker(), worker()]);
    expect(stats.every((one) => one.invocations > 0)).toBe(true);
    const served = harness.emulator.stats().byStatus;
    expect((served['429'] ?? 0) + (served['503'] ?? 0) + (served['500'] ?? 0)).toBeGreaterThan(0);

    const response = await getBatch.getBatch(
      new HttpRequest({ method: 'GET', url: statusUrl, params: { id } }),
      harness.context('getBatch', {}),
    );
    const view = response.jsonBody as BatchView;
    expect(view.status).toBe('completed');
    const { completed, failed, total } = view.request_counts;
    expect(total).toBe(ITEMS);
    expect(completed + failed).toBe(ITEMS);
    expect(failed).toBeGreaterThanOrEqual(BAD);

    // Exactly one document per item, and every result is the one success the model served for it.
    const documents: string[] = [];
    let token: string | undefined;
    do {
      const page = await harness.blobs.listPage(harness.output, {
        prefix: `batches/${id}/items/`,
        pageSize: 1000,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      documents.push(...page.items.map((item) => item.name.slice(`batches/${id}/items/`.length)));
      token = page.continuationToken;
    } while (token !== undefined);
    const results = documents
      .filter((name) => !name.endsWith('.error.json'))
      .map((name) => name.slice(0, -5));
    const errors = documents.filter((name) => name.endsWith('.error.json')).map((name) => name.slice(0, -11));
    expect(documents).toHaveLength(ITEMS);
    expect(new Set([...results, ...errors])).toEqual(new Set(names));
    expect(results).toHaveLength(completed);
    expect(errors).toHaveLength(failed);
    expect(harness.emulator.stats().byStatus['200']).toBe(completed);

    let prompt = 0;
    let completionTokens = 0;
    for (let start = 0; start < results.length; start += 50) {
      const usages = await Promise.all(
        results.slice(start, start + 50).map(async (name) => {
          const found = await harness.blobs.readJson(harness.output, `batches/${id}/items/${name}.json`);
          return (found?.value as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
        }),
      );
      for (const usage of usages) {
        prompt += usage.prompt_tokens;
        completionTokens += usage.completion_tokens;
      }
    }
    expect(view.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
    });

    const read = async (name: string | null): Promise<string> =>
      Buffer.from(await harness.blobs.download(harness.output, name ?? '')).toString('utf8');
    const resultLines = jsonLines(await read(view.output_file));
    const errorLines = jsonLines(await read(view.error_file));
    expect(resultLines).toHaveLength(completed);
    expect(errorLines).toHaveLength(failed);
    expect(new Set([...resultLines, ...errorLines].map((line) => line.custom_id))).toEqual(new Set(names));
    expect(resultLines.every((line) => line.error === null)).toBe(true);
  }, 120_000);
});
