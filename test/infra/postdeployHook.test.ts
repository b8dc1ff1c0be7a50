import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { infraDir } from './bicep';

const hook = path.join(infraDir, 'hooks/postdeploy.sh');

interface HookRun {
  code: number | null;
  output: string;
  /** Each `az` call's arguments, one line per call. */
  calls: string[];
}

/**
 * Runs the real hook with a stand-in `az` first on PATH (no Azure here): it answers `functionapp keys list` with
 * the key names it is given per call and records every call.
 */
async function runHook(keyNamesPerCall: string[], env: Record<string, string>): Promise<HookRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'postdeploy-'));
  const log = path.join(dir, 'calls.log');
  const answers = path.join(dir, 'answers');
  await writeFile(answers, keyNamesPerCall.join('\n') + '\n');
  await writeFile(
    path.join(dir, 'az'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      'case "$1 $2 $3" in',
      '"functionapp keys list")',
      `  n=$(grep -c 'functionapp keys list' '${log}')`,
      `  sed -n "\${n}p" '${answers}' | tr ',' '\\n'`,
      '  ;;',
      'esac',
    ].join('\n'),
  );
  await chmod(path.join(dir, 'az'), 0o755);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [hook], {
      env: { PATH: `${dir}:${process.env.PATH ?? ''}`, POSTDEPLOY_KEY_DELAY_SECONDS: '0', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      readFile(log, 'utf8')
        .catch(() => '')
        .then((text) => {
          resolve({ code, output, calls: text.split('\n').filter(Boolean) });
        }, reject);
    });
  });
}

const azdOutputs = {
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000001',
  AZURE_RESOURCE_GROUP: 'rg-test',
  AZURE_FUNCTION_APP_NAME: 'func-abc',
  AZURE_STORAGE_ACCOUNT_NAME: 'stabc',
  EVENTGRID_SYSTEM_TOPIC_NAME: 'evgt-abc',
  EVENTGRID_DEADLETTER_CONTAINER: 'eventgrid-deadletter',
  MEDIA_INPUT_CONTAINER: 'media-in',
};

describe('infra/hooks/postdeploy.sh', () => {
  it('waits for the blobs_extension key, then deploys the subscription Bicep with the provisioning outputs', async () => {
    const run = await runHook(['', 'masterKey', 'blobs_extension,durabletask_extension'], azdOutputs);
    expect(run.code).toBe(0);
    const keyCalls = run.calls.filter((c) => c.startsWith('functionapp keys list'));
    expect(keyCalls).toHaveLength(3);
    expect(keyCalls[0]).toContain('--name func-abc');
    expect(keyCalls[0]).toContain(
      '--resource-group rg-test --subscription 00000000-0000-0000-0000-000000000001',
    );
    expect(keyCalls[0]).toContain('keys(systemKeys');
    const deploys = run.calls.filter((c) => c.startsWith('deployment group create'));
    expect(deploys).toHaveLength(1);
    const deploy = deploys[0]!;
    expect(deploy).toContain(`--template-file ${path.join(infraDir, 'eventgrid-subscription.bicep')}`);
    for (const parameter of [
      'functionAppName=func-abc',
      'systemTopicName=evgt-abc',
      'storageAccountName=stabc',
      'inputContainerName=media-in',
      'deadLetterContainerName=eventgrid-deadletter',
    ]) {
      expect(deploy).toContain(parameter);
    }
    expect(run.output).toContain('Event Grid subscription ready');
  });

  it('gives up with a clear message when the key never appears', async () => {
    const run = await runHook(['', '', ''], { ...azdOutputs, POSTDEPLOY_KEY_ATTEMPTS: '3' });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/no blobs_extension key on func-abc after 3 tries/);
    expect(run.calls.filter((c) => c.startsWith('deployment'))).toHaveLength(0);
  });

  it('refuses to run outside azd, without the provisioning outputs', async () => {
    const run = await runHook(['blobs_extension'], {});
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/AZURE_RESOURCE_GROUP/);
    expect(run.calls).toHaveLength(0);
  });
});
