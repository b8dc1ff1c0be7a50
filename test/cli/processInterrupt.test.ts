import { spawn } from 'node:child_process';
import { encodeImage } from '../core/media/fixtures';
import { builtCli } from '../support/builtCli';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;

beforeAll(async () => {
  // The model answers only after a minute: every input the run starts is still in flight at the signal.
  harness = await functionsHarness({ latencyMs: 60_000 });
});

afterAll(async () => {
  await harness.close();
});

async function claims(): Promise<string[]> {
  return (await harness.blobs.listPage(harness.output, { prefix: 'claims/' })).items.map((item) => item.name);
}

/** Runs `media-completions process` as its own OS process and sends it `signal` once it holds claims. */
function interrupted(
  prefix: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli(), 'process', '--prefix', prefix, '--concurrency', '2'], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, stdout });
    });
    // One signal only: listings overlap, and a second signal is the user insisting (the default action).
    let sent = false;
    const poll = setInterval(() => {
      void claims().then((names) => {
        if (names.length >= 2 && !sent) {
          sent = true;
          clearInterval(poll);
          child.kill(signal);
        }
      }, reject);
    }, 100);
    child.on('exit', () => {
      clearInterval(poll);
    });
  });
}

describe('media-completions process, interrupted', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'on %s stops taking inputs, releases its claims, prints the summary and exits %i',
    async (signal, exitCode) => {
      const prefix = `${signal.toLowerCase()}/`;
      const png = await encodeImage('png', 6, 6);
      await Promise.all(
        Array.from({ length: 5 }, (_, n) => harness.blobs.upload(harness.input, `${prefix}${n}.png`, png)),
      );
      const { code, stdout } = await interrupted(prefix, signal);
      expect(code).toBe(exitCode);
      expect(stdout).toContain('Interrupted: no new input started; 2 claim(s) of this run released.');
      expect(stdout).toContain(
        '5 input(s): 0 succeeded, 0 already done, 0 failed (error documents), 0 not finished, 5 interrupted.',
      );
      // Released, not left to expire: a re-run would start at once instead of reporting in_progress.
      expect(await claims()).toEqual([]);
    },
    // A CLI process that starts under load (sharp, ffmpeg probes) can take longer than the default 30 s.
    90_000,
  );
});
