import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs `figures/<script>.js` in a fresh Node process (so that one measurement's memory, caches and JIT state
 * never leak into the next), passing `args` as JSON in BENCH_ARGS; resolves with the JSON the child prints last.
 */
export async function runChild<T>(
  script: string,
  args: unknown,
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
  const file = path.join(__dirname, 'figures', `${script}.js`);
  const { code, stdout } = await runNode([...(options.execArgv ?? []), file], {
    ...process.env,
    ...options.env,
    BENCH_ARGS: JSON.stringify(args),
  });
  if (code !== 0) throw new Error(`bench child ${script} exited with ${code}`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`bench child ${script} printed no JSON result`);
  }
}

/** Runs `node <args>` and collects its stdout. */
export function runNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stderr: 'inherit' | 'ignore' = 'inherit',
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', stderr] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout });
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
