import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeImage } from '../core/media/fixtures';
import { builtCli } from '../support/builtCli';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;

beforeAll(async () => {
  harness = await functionsHarness();
});

afterAll(async () => {
  await harness.close();
});

/** Runs the built CLI on a 40-column pseudo-terminal (util-linux `script`), returning what the terminal got. */
function onTerminal(args: string[], cwd: string): Promise<string> {
  const command = ['stty cols 40 rows 20;', 'exec', process.execPath, builtCli(), ...args]
    .map((part) => (part.endsWith(';') || part === 'exec' ? part : `'${part.replace(/'/g, `'\\''`)}'`))
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      resolve(output);
    });
  });
}

describe('media-completions process on a terminal', () => {
  it('prints every outcome line in full above the progress bar (autowrap stays on)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-tty-'));
    const files = ['a-rather-long-file-name-for-a-narrow-screen-1.png', 'another-long-name-2.png'];
    for (const file of files) writeFileSync(path.join(dir, file), await encodeImage('png', 6, 6));
    const output = await onTerminal(['process', '--prefix', 'tty/', ...files], dir);
    // The progress bar ran (a frame was drawn: on a fast machine only the last one, all filled) ...
    expect(output).toMatch(/[█░]{10}/);
    // ... every outcome line arrived whole, longer than the 40-column screen ...
    const resultLine = `Result: ${harness.output}/tty/${files[0] ?? ''}.json`;
    expect(resultLine.length).toBeGreaterThan(40);
    expect(output).toContain(resultLine);
    expect(output).toMatch(/ASSISTANT: \[emulator\] Received 1 media item: image\/png 6x6, \d+ bytes/);
    // ... and the terminal was never told to stop wrapping (DECAWM off), which is what cut them at 40 columns.
    expect(output).not.toContain('\x1b[?7l');
  });
});
