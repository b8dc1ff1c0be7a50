import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, STORAGE_PREFIXES } from '../src/config';

const root = join(__dirname, '..');

/** The Functions host's own settings: in the sample so the host starts, not read as this app's settings. */
const HOST_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];

/** Setting names in the first column of the README's configuration table (a row may name several). */
function readmeSettings(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1] ?? ''));
}

function sampleSettings(): string[] {
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  return Object.keys(sample.Values).filter((name) => !HOST_SETTINGS.includes(name));
}

describe('settings declared once', () => {
  const declared = [STORAGE_PREFIXES[0], ...Object.keys(SETTINGS)].sort();

  it('the README configuration table lists exactly the declared settings', () => {
    expect(readmeSettings().sort()).toEqual(declared);
  });

  it('local.settings.sample.json lists exactly the declared settings', () => {
    expect(sampleSettings().sort()).toEqual(declared);
  });

  it('every declared setting says what it means', () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      expect(`${name}: ${setting.meaning.trim()}`).toMatch(/: \S/);
    }
  });
});
