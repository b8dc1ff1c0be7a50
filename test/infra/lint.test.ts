import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BICEP_TIMEOUT_MS, infraDir, runBicep, describeWithBicep } from './bicep';

describeWithBicep('bicep build and lint', () => {
  it(
    'builds every entry file in infra/ with no diagnostic',
    async () => {
      const outDir = await mkdtemp(path.join(tmpdir(), 'bicep-build-'));
      const run = await runBicep(['build', '--pattern', 'infra/*.bicep', '--outdir', outDir]);
      expect(run.output).toBe('');
      expect(run.code).toBe(0);
      const entries = (await readdir(infraDir)).filter((f) => f.endsWith('.bicep')).sort();
      expect(entries).toEqual(['eventgrid-subscription.bicep', 'main.bicep']);
      for (const entry of entries) {
        const json = JSON.parse(
          await readFile(path.join(outDir, entry.replace(/\.bicep$/, '.json')), 'utf8'),
        ) as {
          $schema: string;
        };
        expect(json.$schema).toMatch(/DeploymentTemplate\.json#$/i);
      }
    },
    BICEP_TIMEOUT_MS,
  );

  it(
    'lints every Bicep file, modules included, with no warning or error',
    async () => {
      const run = await runBicep(['lint', '--pattern', 'infra/**/*.bicep']);
      expect(run.output).toBe('');
      expect(run.code).toBe(0);
    },
    BICEP_TIMEOUT_MS,
  );

  it(
    'keeps every Bicep file as bicep format writes it',
    async () => {
      const copy = await mkdtemp(path.join(tmpdir(), 'bicep-format-'));
      await cp(infraDir, copy, { recursive: true });
      const run = await runBicep(['format', '--pattern', '**/*.bicep'], copy);
      expect(run.code).toBe(0);
      const files = (await readdir(infraDir, { recursive: true })).filter((f) => f.endsWith('.bicep'));
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) {
        expect({ file, text: await readFile(path.join(copy, file), 'utf8') }).toEqual({
          file,
          text: await readFile(path.join(infraDir, file), 'utf8'),
        });
      }
    },
    BICEP_TIMEOUT_MS,
  );

  it(
    'fails lint on a linter warning, because bicepconfig.json raises rules to errors',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bicep-lint-'));
      await cp(path.join(infraDir, 'bicepconfig.json'), path.join(dir, 'bicepconfig.json'));
      await writeFile(path.join(dir, 'bad.bicep'), "param unused string\nvar alsoUnused = 'x'\n");
      const run = await runBicep(['lint', path.join(dir, 'bad.bicep')]);
      expect(run.output).toMatch(/Error no-unused-params/);
      expect(run.output).toMatch(/Error no-unused-vars/);
      expect(run.code).not.toBe(0);
    },
    BICEP_TIMEOUT_MS,
  );
});
