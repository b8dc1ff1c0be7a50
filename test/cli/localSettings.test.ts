import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { applyLocalSettings, readLocalSettings } from '../../src/cli/localSettings';
import { startEmulator } from '../../src/emulator/startEmulator';
import { builtCli } from '../support/builtCli';
import { testConnectionString, uniqueName } from '../support/storage';
import { encodeImage } from '../core/media/fixtures';

function dirWith(settings: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-settings-'));
  writeFileSync(path.join(dir, 'local.settings.json'), JSON.stringify(settings));
  return dir;
}

function run(cwd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    // Only PATH from the test's environment: every app setting must come from the file or `env`.
    const child = spawn(process.execPath, [builtCli(), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ stdout, stderr, code });
    });
  });
}

describe('readLocalSettings / applyLocalSettings', () => {
  it('reads Values as text and lets variables already in the environment win', () => {
    const dir = dirWith({ IsEncrypted: false, Values: { A: 'file', B: 'file', N: 5, T: true } });
    const settings = readLocalSettings(dir);
    expect(settings?.path).toBe(path.join(dir, 'local.settings.json'));
    const env: Record<string, string | undefined> = { A: 'env' };
    expect(applyLocalSettings(env, settings!)).toEqual(['B', 'N', 'T']);
    expect(env).toEqual({ A: 'env', B: 'file', N: '5', T: 'true' });
  });

  it('is undefined without a file and names the file when it is unusable', () => {
    expect(readLocalSettings(mkdtempSync(path.join(tmpdir(), 'mc-none-')))).toBeUndefined();
    const bad = mkdtempSync(path.join(tmpdir(), 'mc-bad-'));
    writeFileSync(path.join(bad, 'local.settings.json'), '{ "Values": ');
    expect(() => readLocalSettings(bad)).toThrow(/local\.settings\.json is not valid JSON/);
    expect(() => readLocalSettings(dirWith({ IsEncrypted: true, Values: {} }))).toThrow(/encrypted/);
    expect(() => readLocalSettings(dirWith({ Values: { X: { nested: 1 } } }))).toThrow(/Values\.X must be/);
  });
});

describe('media-completions reads local.settings.json', () => {
  it('runs `process` with the settings from the file, says which file, and environment variables win', async () => {
    const emulator = await startEmulator({ key: 'file-key' });
    try {
      const input = uniqueName('lsin');
      const output = uniqueName('lsout');
      const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
      await blobs.createContainerIfNotExists(input);
      const dir = dirWith({
        IsEncrypted: false,
        Values: {
          MediaStorage: testConnectionString(),
          AZURE_INFERENCE_ENDPOINT: `${emulator.url}/models`,
          AZURE_INFERENCE_CREDENTIAL: 'file-key',
          MEDIA_INPUT_CONTAINER: 'not-this-one',
          MEDIA_OUTPUT_CONTAINER: output,
        },
      });
      writeFileSync(path.join(dir, 'pic.png'), await encodeImage('png', 8, 8));
      const result = await run(dir, ['process', 'pic.png'], { MEDIA_INPUT_CONTAINER: input });
      expect(result.stderr).toContain(`Settings: ${path.join(dir, 'local.settings.json')}`);
      expect(result.stdout).toMatch(/^ASSISTANT: /m);
      expect(result.code).toBe(0);
      expect((await blobs.readJson(output, 'pic.png.json'))?.value).toMatchObject({
        status: 'succeeded',
        source: { container: input },
      });
    } finally {
      await emulator.close();
    }
  });

  it('prints the package version', async () => {
    const result = await run(tmpdir(), ['--version'], {});
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(result.stdout.trim()).toBe(manifest.version);
  });
});
