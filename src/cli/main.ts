#!/usr/bin/env node
import { Command } from 'commander';
import { registerEmulatorCommand } from './emulatorCommand';
import { registerProcessCommand } from './processCommand';
import { registerDemoCommand } from './demoCommand';
import { registerBatchCommand } from './batchCommand';

/** The `media-completions` command: each subcommand registers itself from its own file. */
const program = new Command('media-completions').description(
  'Turn images and audio into chat completions with Azure AI model inference.',
);
registerEmulatorCommand(program);
registerProcessCommand(program);
registerDemoCommand(program);
registerBatchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
