import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArmTemplate } from './armTemplate';
import { bicepSkipReason } from './bicepSkipReason';

export const repoRoot = path.resolve(__dirname, '../..');
export const infraDir = path.join(repoRoot, 'infra');

/**
 * `describe` for the tests that run the Bicep CLI, `describe.skip` where it can't run (see bicepSkipReason; the
 * global setup prints the reason once). The issue asks for "skipped, with one line saying why", not a failure.
 */
export const describeWithBicep = bicepSkipReason() === undefined ? describe : describe.skip;

/** The first run restores the CLI from NuGet (scripts/bicep.sh); later runs take a few seconds. */
export const BICEP_TIMEOUT_MS = 300_000;

export interface BicepRun {
  code: number | null;
  /** stdout and stderr together: Bicep prints diagnostics to either. */
  output: string;
}

/** Runs the real Bicep CLI through scripts/bicep.sh, which restores it into .tools/ under a lock. */
export function runBicep(args: readonly string[], cwd: string = repoRoot): Promise<BicepRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts/bicep.sh'), ...args], { cwd });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

/** Compiles one entry file to ARM JSON, failing on any diagnostic (warnings included). */
export async function compileBicep(entry: string): Promise<ArmTemplate> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'bicep-'));
  const outFile = path.join(outDir, `${path.basename(entry, '.bicep')}.json`);
  const run = await runBicep(['build', path.join(infraDir, entry), '--outfile', outFile]);
  if (run.code !== 0 || run.output.trim() !== '') {
    throw new Error(`bicep build ${entry} exited ${String(run.code)}:\n${run.output}`);
  }
  return JSON.parse(await readFile(outFile, 'utf8')) as ArmTemplate;
}
