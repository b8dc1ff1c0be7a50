import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The commit figure 10 compares with: main before issue 15 (storage round trips at the floor). */
export const BASELINE_COMMIT = '5a5ac44';

export interface BaselineBuild {
  /** The commit's `src/`, compiled (the layout of `dist/`: `<root>/core/blob/processBlob.js`, ...). */
  root: string;
  remove(): void;
}

/**
 * The old path, measured in the same run: `src/` of `commit` (from `git archive`, so the repository's worktrees
 * are untouched) compiled with its own tsconfig into a temporary directory, using this checkout's node_modules.
 * Throws when git or the commit is not available (a checkout without history).
 */
export function buildBaseline(repo: string, commit = BASELINE_COMMIT): BaselineBuild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-baseline-'));
  try {
    const archive = path.join(dir, 'src.tar');
    writeFileSync(archive, execFileSync('git', ['-C', repo, 'archive', commit, 'src', 'tsconfig.json']));
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [
      path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      path.join(dir, 'tsconfig.json'),
      '--sourceMap',
      'false',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    root: path.join(dir, 'dist'),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
