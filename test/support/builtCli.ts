import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The built CLI (`dist/cli/main.js`), for tests that need separate OS processes (ts-jest does not reach child
 * processes). `.ci/run` builds before it tests; locally, run `npm run build` first.
 */
export function builtCli(): string {
  const main = path.join(__dirname, '../../dist/cli/main.js');
  if (!existsSync(main) || !existsSync(path.join(__dirname, '../../dist/functions/processBatchItem.js'))) {
    throw new Error(`${main} (or dist/functions) is missing: run \`npm run build\` before these tests.`);
  }
  return main;
}
