import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerProcessCommand } from '../../src/cli/processCommand';
import { encodeImage, wav } from '../core/media/fixtures';
import { captureStderr } from '../support/captureStderr';
import { runCliCommand } from '../support/runCliCommand';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;

beforeAll(async () => {
  // The same settings-in-process.env setup the Functions host uses; the CLI reads them through loadConfig.
  harness = await functionsHarness({ faults: ['ok', 'ok', '503', '503'] }, { MEDIA_RETRY_MAX_ATTEMPTS: '2' });
});

afterAll(async () => {
  await harness.close();
});

function runCli(...args: string[]): Promise<{ output: string; exitCode: number }> {
  return runCliCommand(registerProcessCommand, 'process', args);
}

describe('media-completions process', () => {
  it('uploads local files, prints the sample block per input and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-'));
    writeFileSync(path.join(dir, 'pic.jpg'), await encodeImage('jpeg', 10, 10));
    writeFileSync(path.join(dir, 'voice.wav'), wav({ seconds: 0.5 }));
    writeFileSync(path.join(dir, 'notes.txt'), 'plain text');
    const { output, exitCode } = await runCli(
      '--prefix',
      'local/',
      path.join(dir, 'pic.jpg'),
      path.join(dir, 'voice.wav'),
      path.join(dir, 'notes.txt'),
    );
    expect(exitCode).toBe(0);
    expect(output.match(/^ASSISTANT: /gm)).toHaveLength(2);
    expect(output).toMatch(
      /Model: .+\nUsage:\n {2}Prompt tokens: \d+\n {2}Completion tokens: \d+\n {2}Total tokens: \d+/,
    );
    expect(output).toContain(`ERROR unsupported_media_type`);
    expect(output).toContain(`${harness.output}/local/notes.txt.error.json`);
    expect(output).toContain(
      '3 input(s): 2 succeeded, 0 already done, 1 failed (error documents), 0 not finished.',
    );
    expect((await harness.blobs.readJson(harness.output, 'local/pic.jpg.json'))?.value).toMatchObject({
      status: 'succeeded',
    });
  });

  it('walks a container by prefix, skips what is done, and exits 1 when an input is left unfinished', async () => {
    await harness.blobs.upload(harness.input, 'later/new.png', await encodeImage('png', 3, 3));
    const { output, exitCode } = await runCli('--prefix', 'l', '--concurrency', '1');
    expect(output).toContain('already processed');
    expect(output).toContain('NOT FINISHED');
    expect(output).toContain(
      '4 input(s): 0 succeeded, 3 already done, 0 failed (error documents), 1 not finished.',
    );
    expect(exitCode).toBe(1);
  });

  it('applies --prompt, --system, --detail, --max-tokens and --model to every input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-'));
    writeFileSync(path.join(dir, 'opt.png'), await encodeImage('png', 12, 12));
    const { output, exitCode } = await runCli(
      ...['--prefix', 'options/', '--prompt', 'Count the pixels.', '--system', 'Be terse.'],
      ...['--detail', 'low', '--max-tokens', '7', '--model', 'gpt-4o', path.join(dir, 'opt.png')],
    );
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^ASSISTANT: /m);
    expect((await harness.blobs.readJson(harness.output, 'options/opt.png.json'))?.value).toMatchObject({
      request: { prompt: 'Count the pixels.', systemPrompt: 'Be terse.', detail: 'low', maxTokens: 7 },
    });
  });

  it('refuses a bad run option before processing anything, naming it', async () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(runCli('--model', 'gpt-5-unlisted', '--prefix', 'none/')).rejects.toMatchObject({
      code: 'model_not_allowed',
    });
    await expect(runCli('--detail', 'ultra')).rejects.toThrow(/Allowed choices are auto, low, high/);
    jest.restoreAllMocks();
  });

  it('warns instead of reporting 0 inputs when the prefix holds nothing', async () => {
    const stderr = captureStderr();
    try {
      const { output, exitCode } = await runCli('--prefix', 'nothing-here/');
      expect(exitCode).toBe(0);
      expect(output).not.toContain('0 input(s)');
      expect(stderr.text()).toContain(
        `Warning: no blobs in ${harness.input}/nothing-here/*; nothing to process`,
      );
    } finally {
      stderr.restore();
    }
  });

  it('rejects a bad --concurrency', async () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(runCli('--concurrency', '0')).rejects.toThrow('positive integer');
    jest.restoreAllMocks();
  });
});
