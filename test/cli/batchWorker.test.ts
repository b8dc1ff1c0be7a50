import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { builtCli } from '../support/builtCli';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { uniqueName } from '../support/storage';

let harness: FunctionsHarness;

beforeAll(async () => {
  harness = await functionsHarness({}, { MEDIA_BATCH_QUEUE: uniqueName('wq') });
});

afterAll(async () => {
  await harness.close();
});

describe('media-completions batch worker', () => {
  it('runs the Functions handlers without the test-mode warnings of @azure/functions', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [builtCli(), 'batch', 'worker', '--idle-exit', '300'], {
        env: process.env,
        cwd: tmpdir(),
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => {
        resolve({ code: exit, stderr: err });
      });
    });
    expect(stderr).not.toContain('test mode');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
