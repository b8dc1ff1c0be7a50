import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSoak } from '../../bench/soak/runSoak';

const location = mkdtempSync(path.join(tmpdir(), 'media-soak-ci-'));

afterAll(() => {
  rmSync(location, { recursive: true, force: true });
});

it('short fault soak: every input ends with exactly one document and nothing succeeds twice', async () => {
  const report = await runSoak({ inputs: 60, location });
  // One line for the CI log: the figures, never payloads.
  process.stdout.write(`soak (short): ${JSON.stringify(report)}\n`);
  expect(report).toMatchObject({
    inputs: 60,
    documents: 60,
    missing: 0,
    bothDocuments: 0,
    duplicates: 0,
    unexplainedMissing: 0,
    azuriteRestarts: 1,
  });
  expect(report.batch).toMatchObject({ items: 12, status: 'completed', documents: 12, bothDocuments: 0 });
  expect(report.batch.completed + report.batch.failed).toBe(12);
  // Faults were really served, and the bad inputs ended as error documents.
  expect(Object.keys(report.faultsServed)).toEqual(expect.arrayContaining(['200', '429']));
  expect(report.errorDocuments).toBeGreaterThanOrEqual(6);
  // 28% of requests fault, so ≈1.39 calls per input is expected; this bound catches retry storms.
  expect(report.callsPerModelInput).toBeLessThan(2);
}, 120_000);
