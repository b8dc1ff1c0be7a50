/**
 * The fault soak (`npm run soak`): 300 inputs through the blob trigger handler against the faulty emulator and
 * an Azurite that is killed and restarted mid-run. `--inputs N` changes the count. Prints the report as JSON and
 * exits 1 when an input lacks exactly one document or a model call succeeded twice for one input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSoak } from './soak/runSoak';

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--inputs');
  const inputs = flag === -1 ? 300 : Number(process.argv[flag + 1]);
  if (!Number.isSafeInteger(inputs) || inputs < 20)
    throw new RangeError('--inputs must be an integer >= 20.');
  const location = mkdtempSync(path.join(tmpdir(), 'media-soak-'));
  try {
    const report = await runSoak({
      inputs,
      location,
      log: (line) => {
        console.error(line);
      },
    });
    console.log(JSON.stringify(report, null, 2));
    const ok =
      report.documents === report.inputs &&
      report.duplicates === 0 &&
      report.batch.status === 'completed' &&
      report.batch.documents === report.batch.items &&
      report.batch.bothDocuments === 0;
    if (report.callsPerModelInput > 1.3) {
      console.error(
        `Model calls per model-bound input: ${report.callsPerModelInput} (target 1.3; the 28% fault rate alone makes ≈1.39).`,
      );
    }
    if (!ok) {
      console.error('Soak FAILED: every input must end with exactly one document and no duplicate success.');
      process.exitCode = 1;
    }
  } finally {
    rmSync(location, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
