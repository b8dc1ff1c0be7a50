#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { registerEmulatorCommand } from './emulatorCommand';
import { registerProcessCommand } from './processCommand';
import { registerDemoCommand } from './demoCommand';
import { registerBatchCommand } from './batchCommand';
import { isRecord } from '../core/json/isRecord';
import { applyLocalSettings, readLocalSettings } from './localSettings';

// The demo needs no configuration and the emulator none of the app's: only the others read local.settings.json.
const WITHOUT_APP_SETTINGS = new Set(['demo', 'emulator']);

/** The `media-completions` command: each subcommand registers itself from its own file. */
const program = new Command('media-completions')
  .description('Turn images and audio into chat completions with Azure AI model inference.')
  .version(packageVersion());
registerEmulatorCommand(program);
registerProcessCommand(program);
registerDemoCommand(program);
registerBatchCommand(program);

program.hook('preAction', (_program, action) => {
  if (WITHOUT_APP_SETTINGS.has(topLevelName(action))) return;
  const settings = readLocalSettings(process.cwd());
  if (settings === undefined) return;
  applyLocalSettings(process.env, settings);
  process.stderr.write(`Settings: ${settings.path} (Values; environment variables win)\n`);
});

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

/** The subcommand right under the program (`batch` for `batch status`). */
function topLevelName(command: Command): string {
  let current = command;
  while (current.parent !== null && current.parent !== program) current = current.parent;
  return current.name();
}

/** The version in the nearest package.json above this file: `dist/cli/` in the package, deeper in bench builds. */
function packageVersion(): string {
  for (let folder = __dirname; ; folder = path.dirname(folder)) {
    const file = path.join(folder, 'package.json');
    if (existsSync(file)) {
      const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return isRecord(manifest) && typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    }
    if (path.dirname(folder) === folder) return '0.0.0';
  }
}
