import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
const BICEP_PACKAGE = path.join('.tools', 'nuget', 'azure.bicep.commandline.linux-x64');

/**
 * Why the Bicep tests can't run on this machine, or `undefined` when they can: the CLI is already restored in
 * `.tools/`, or `dotnet` is on the PATH to restore it from NuGet. With `CI=true` it is always `undefined`, so a
 * CI machine without the SDK fails them instead of skipping them.
 */
export function bicepSkipReason(
  env: Readonly<Record<string, string | undefined>> = process.env,
  root: string = repoRoot,
): string | undefined {
  if (env.CI === 'true' || restoredBicep(root) || onPath('dotnet', env.PATH ?? '')) return undefined;
  return (
    'no `dotnet` on the PATH: the infra tests restore the Bicep CLI from NuGet with the .NET SDK ' +
    '(install it to run them; with CI=true they fail instead)'
  );
}

function restoredBicep(root: string): boolean {
  const dir = path.join(root, BICEP_PACKAGE);
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((version) => existsSync(path.join(dir, version, 'tools', 'bicep')));
}

function onPath(command: string, pathList: string): boolean {
  return pathList
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(path.join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
