import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

let harness: FunctionsHarness;

beforeAll(async () => {
  harness = await functionsHarness();
});

afterAll(async () => {
  await harness.close();
});

const functionsDir = path.join(__dirname, '../../src/functions');

describe('function modules', () => {
  it('load and register without throwing, each exporting its handler by name', async () => {
    const files = readdirSync(functionsDir).filter((file) => file.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['processMediaBlob.ts', 'poisonBlobs.ts']));
    for (const file of files) {
      const name = path.basename(file, '.ts');
      const loaded = (await import(path.join(functionsDir, file))) as Record<string, unknown>;
      expect(typeof loaded[name]).toBe('function');
    }
  });

  it('keep module load cheap: no SDK client is imported at load', () => {
    for (const file of ['processMediaBlob.ts', 'poisonBlobs.ts']) {
      const source = readFileSync(path.join(functionsDir, file), 'utf8');
      expect(source).not.toMatch(/from '@azure\/(storage-blob|identity)'|from '@azure-rest\/ai-inference'/);
    }
  });

  it('fail at load with the name of a bad setting', async () => {
    process.env.MEDIA_IMAGE_DETAIL = 'ultra';
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import(path.join(functionsDir, 'processMediaBlob.ts'))).rejects.toThrow(
          'MEDIA_IMAGE_DETAIL',
        );
      });
    } finally {
      delete process.env.MEDIA_IMAGE_DETAIL;
    }
  });
});
