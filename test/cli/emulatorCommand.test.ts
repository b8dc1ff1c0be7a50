import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const hello = JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] });

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
}

/** Starts the built CLI and resolves with the URL it prints as its first stdout line. */
async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--quiet', ...args]);
  const lines = createInterface({ input: child.stdout });
  const [url] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the CLI exited with ${String(code)} before printing its URL`);
    }),
  ])) as [string];
  return { child, url };
}

async function stop(cli: RunningCli, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (cli.child.exitCode !== null) return cli.child.exitCode;
  const exited = once(cli.child, 'exit');
  cli.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

function post(url: string): Promise<Response> {
  return fetch(`${url}/models/chat/completions?api-version=2024-05-01-preview`, {
    method: 'POST',
    headers: { 'api-key': 'k', 'content-type': 'application/json' },
    body: hello,
  });
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the CLI tests.`);
});

describe('media-completions emulator (built CLI)', () => {
  it('--faults 429-bare,429,503,ok answers 429 without retry header, 429 with one, 503, then 200', async () => {
    const cli = await startCli(['--faults', '429-bare,429,503,ok']);
    try {
      expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const responses = [await post(cli.url), await post(cli.url), await post(cli.url), await post(cli.url)];
      expect(responses.map((response) => response.status)).toEqual([429, 429, 503, 200]);
      expect(responses[0]?.headers.get('retry-after')).toBeNull();
      expect(responses[1]?.headers.get('retry-after')).toBe('1');
      expect(responses[2]?.headers.get('retry-after')).toBe('1');
      const body = (await responses[3]?.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]?.message.content).toMatch(/^\[emulator\]/);
    } finally {
      expect(await stop(cli)).toBe(0);
    }
  });

  it('--rpm 2 answers the third request with 429 and a positive Retry-After', async () => {
    const cli = await startCli(['--rpm', '2']);
    try {
      expect((await post(cli.url)).status).toBe(200);
      expect((await post(cli.url)).status).toBe(200);
      const third = await post(cli.url);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      expect(await stop(cli, 'SIGINT')).toBe(0);
    }
  });

  it('exits 0 on SIGINT while a request hangs', async () => {
    const cli = await startCli(['--faults', 'hang']);
    const pending = post(cli.url).catch(() => 'dropped');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stop(cli, 'SIGINT')).toBe(0);
    expect(await pending).toBe('dropped');
  });

  it('--https --cert-file serves TLS with the certificate it wrote', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'emulator-cert-'));
    const certFile = path.join(folder, 'emulator.pem');
    const cli = await startCli(['--https', '--cert-file', certFile, '--key', 'secret']);
    try {
      expect(cli.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = await readFile(certFile, 'utf8');
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          `${cli.url}/models/info?api-version=2024-05-01-preview`,
          { ca, headers: { 'api-key': 'secret' } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      expect(await stop(cli)).toBe(0);
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('--help documents every flag', () => {
    const help = spawnSync(process.execPath, [CLI, 'emulator', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--key',
      '--https',
      '--cert-file',
      '--audience',
      '--model',
      '--latency-ms',
      '--tpm',
      '--rpm',
      '--faults',
      '--fault-rate',
      '--fault-kinds',
      '--seed',
      '--fault-retry-after-ms',
      '--quiet',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('refuses an unknown fault kind with a non-zero exit', () => {
    const result = spawnSync(process.execPath, [CLI, 'emulator', '--faults', '418'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Unknown fault 418/);
  });
});
