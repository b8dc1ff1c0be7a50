import { Command } from 'commander';

/**
 * Runs one `media-completions` subcommand in this process, as `node media-completions <name> ...args` would,
 * capturing stdout, the log lines the CLI's console logger writes (`logs`, kept off the test output) and the exit
 * code the command set.
 */
export async function runCliCommand(
  register: (program: Command) => void,
  name: string,
  args: readonly string[],
): Promise<{ output: string; logs: string[]; exitCode: number }> {
  const chunks: string[] = [];
  const logs: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const logSpy = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    logs.push(parts.map(String).join(' '));
  });
  const program = new Command().exitOverride();
  register(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'media-completions', name, ...args]);
  } finally {
    spy.mockRestore();
    logSpy.mockRestore();
  }
  const exitCode = currentExitCode();
  process.exitCode = undefined;
  return { output: chunks.join(''), logs, exitCode };
}

/** Read through a function: TypeScript would otherwise keep the narrowing from the assignment above. */
function currentExitCode(): number {
  return Number(process.exitCode ?? 0);
}
