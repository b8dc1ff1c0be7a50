/**
 * Writes the bad-input corpus (test/fixtures/badInputs.ts) to test/fixtures/bad-inputs/: one file per case and a
 * manifest.json with each case's blob name, metadata and expected error code, so the files can be dropped into a
 * container by hand. Run with `npm run fixtures`; the outputs are committed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { badInputs, CORPUS_SETTINGS } from '../test/fixtures/badInputs';

const root = path.resolve(process.argv[2] ?? 'test/fixtures/bad-inputs');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

const cases = badInputs().map((input) => {
  const extension = path.extname(input.blobName) || '.bin';
  const file = `${input.id}${extension}`;
  writeFileSync(path.join(root, file), input.bytes);
  return {
    id: input.id,
    file,
    blobName: input.blobName,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    code: input.code,
    why: input.why,
  };
});
const manifest = { settings: CORPUS_SETTINGS, cases };
writeFileSync(path.join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Wrote ${cases.length} bad inputs and manifest.json to ${root}`);
