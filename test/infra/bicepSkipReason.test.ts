import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bicepSkipReason } from './bicepSkipReason';

describe('bicepSkipReason', () => {
  const emptyRoot = mkdtempSync(path.join(tmpdir(), 'bicep-root-'));
  const noDotnet = mkdtempSync(path.join(tmpdir(), 'no-dotnet-'));

  it('skips with one line saying why when dotnet is missing and the CLI was never restored', () => {
    const reason = bicepSkipReason({ PATH: noDotnet }, emptyRoot);
    expect(reason).toMatch(/no `dotnet` on the PATH/);
    expect(reason).not.toContain('\n');
  });

  it('never skips with CI=true: there a missing SDK must fail the infra tests', () => {
    expect(bicepSkipReason({ PATH: noDotnet, CI: 'true' }, emptyRoot)).toBeUndefined();
  });

  it('runs them when dotnet is on the PATH or the Bicep CLI is already in .tools/', () => {
    const withDotnet = mkdtempSync(path.join(tmpdir(), 'with-dotnet-'));
    writeFileSync(path.join(withDotnet, 'dotnet'), '#!/bin/sh\n');
    chmodSync(path.join(withDotnet, 'dotnet'), 0o755);
    expect(bicepSkipReason({ PATH: `${noDotnet}${path.delimiter}${withDotnet}` }, emptyRoot)).toBeUndefined();

    const restored = mkdtempSync(path.join(tmpdir(), 'bicep-restored-'));
    const tools = path.join(restored, '.tools/nuget/azure.bicep.commandline.linux-x64/0.49.2/tools');
    mkdirSync(tools, { recursive: true });
    writeFileSync(path.join(tools, 'bicep'), '');
    expect(bicepSkipReason({ PATH: noDotnet }, restored)).toBeUndefined();
  });
});
