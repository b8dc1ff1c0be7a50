import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs `figures/<script>.js` in a fresh Node process (so that one measurement's memory, caches and JIT state
 * never leak into the next), passing `args` as JSON in BENCH_ARGS; resolves with the JSON the child prints last.
 */
export function runChild<T>(
  script: string,
  args: unknown,
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
  const file = path.join(__dirname, 'figures', `${script}.js`);
  const child = spawn(process.execPath, [...(options.execArgv ?? []), file], {
    env: { ...process.env, ...options.env, BENCH_ARGS: JSON.stringify(args) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`bench child ${script} exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench child ${script} printed no JSON result`));
      }
    });
  });
}

/** In a child: the arguments the parent passed. */
export function childArgs(): unknown {
  const raw = process.env.BENCH_ARGS;
  if (raw === undefined) throw new Error('BENCH_ARGS is unset: run this through bench/perf/run.');
  return JSON.parse(raw) as unknown;
}

/** In a child: prints the result for the parent and exits when `work` settles. */
export function childMain(work: () => Promise<unknown>): void {
  work().then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
