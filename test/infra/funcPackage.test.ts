import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { builtCli } from '../support/builtCli';

const ROOT = path.join(__dirname, '../..');
const MAX_PACKAGE_BYTES = 5 * 1024 * 1024;

/**
 * The files azd zips for the function app: every file under the project folder that `.funcignore` (gitignore
 * syntax) does not exclude. A directory that matches is not walked, as with git.
 */
function packageFiles(root: string): Map<string, number> {
  const rules = ignore().add(readFileSync(path.join(root, '.funcignore'), 'utf8'));
  const files = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${relative}/`)) walk(relative);
      } else if (entry.isFile() && !rules.ignores(relative)) {
        files.set(relative, statSync(path.join(root, relative)).size);
      }
    }
  };
  walk('');
  return files;
}

describe('the deployment package (.funcignore)', () => {
  // Present in any working copy after `npm test`: the Bicep CLI restored into .tools/ is ~230 MB. Ballast of
  // more than the cap makes the size check fail if .tools/ ever stops being ignored, even on a fresh clone.
  const ballast = path.join(ROOT, '.tools', 'package-test');

  beforeAll(() => {
    builtCli(); // the package is zipped after the build: dist/ must exist
    mkdirSync(ballast, { recursive: true });
    writeFileSync(path.join(ballast, 'ballast.bin'), Buffer.alloc(MAX_PACKAGE_BYTES + 1));
  });

  afterAll(() => {
    rmSync(ballast, { recursive: true, force: true });
  });

  it('holds the built app, the host and npm manifests and the runtime assets, under 5 MB', () => {
    const files = packageFiles(ROOT);
    const names = [...files.keys()];
    for (const required of ['host.json', 'package.json', 'package-lock.json', 'dist/index.js']) {
      expect(names).toContain(required);
    }
    const functionModules = readdirSync(path.join(ROOT, 'src/functions')).filter((f) => f.endsWith('.ts'));
    for (const module of functionModules) {
      expect(names).toContain(`dist/functions/${module.replace(/\.ts$/, '.js')}`);
    }
    expect(names).toContain('dist/cli/main.js');
    for (const schema of readdirSync(path.join(ROOT, 'schemas')))
      expect(names).toContain(`schemas/${schema}`);
    expect(names).toContain('analyzers.json');

    const total = [...files.values()].reduce((sum, size) => sum + size, 0);
    expect(total).toBeLessThan(MAX_PACKAGE_BYTES);
  });

  it('leaves out dependencies, tests, tools, local settings and development files', () => {
    const names = [...packageFiles(ROOT).keys()];
    const leftOut = [
      /^node_modules\//,
      /^\.tools\//,
      /^test\//,
      /^bench\//,
      /^infra\//,
      /^docs\//,
      /^\.git\//,
      /^\.vscode\//,
      /^local\.settings\.json$/,
      /\.js\.map$/,
      /\.md$/,
    ];
    expect(names.filter((name) => leftOut.some((pattern) => pattern.test(name)))).toEqual([]);
  });
});
