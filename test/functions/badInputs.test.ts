import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultOutputLocation } from '../../src/core/outputs/OutputLocation';
import { HASHED_NAMES_FOLDER } from '../../src/core/outputs/documentLocation';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { badInputs, CORPUS_SETTINGS, type BadInput } from '../fixtures/badInputs';
import { expectValidErrorDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { deliverBlob } from '../support/deliverBlob';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;

beforeAll(async () => {
  harness = await functionsHarness({}, { ...CORPUS_SETTINGS });
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
});

afterAll(async () => {
  await harness.close();
});

const cases = badInputs();

/** Uploads the case and invokes the trigger as the host does: the bytes, the name and the blob's properties. */
async function deliver(input: BadInput): Promise<void> {
  await deliverBlob(harness, processMediaBlob, input.blobName, input.bytes, {
    contentType: 'application/octet-stream',
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  });
}

describe('the bad-input corpus', () => {
  it('has at least 25 cases with unique ids, and the committed fixture files match the generator', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((input) => input.id)).size).toBe(cases.length);
    const folder = path.join(__dirname, '..', 'fixtures', 'bad-inputs');
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as {
      cases: { id: string; file: string; blobName: string; code: string }[];
    };
    expect(manifest.cases.map(({ id, blobName, code }) => ({ id, blobName, code }))).toEqual(
      cases.map(({ id, blobName, code }) => ({ id, blobName, code })),
    );
    for (const entry of manifest.cases) {
      const input = cases.find((candidate) => candidate.id === entry.id);
      expect(readFileSync(path.join(folder, entry.file)).equals(input?.bytes ?? Buffer.alloc(1))).toBe(true);
    }
  });

  it.each(cases.map((input) => [input.id, input] as const))(
    '%s: one error document with the precise code, no throw, no model call, none on redelivery',
    async (_id, input) => {
      const calls = harness.emulator.stats().chatCompletions;
      await expect(deliver(input)).resolves.toBeUndefined();
      const location = defaultOutputLocation(harness.output, input.blobName);
      const document = (await harness.blobs.readJson(harness.output, location.errorName))?.value;
      expectValidErrorDocument(document);
      expect(document).toMatchObject({
        status: 'failed',
        source: { name: input.blobName },
        error: { code: input.code, retryable: false, attempts: 0 },
      });
      expect(await harness.blobs.readJson(harness.output, location.resultName)).toBeUndefined();

      // A duplicate delivery (the host's at-least-once) must settle on the recorded outcome.
      await deliverBlob(harness, processMediaBlob, input.blobName, input.bytes, { upload: false });
      expect(harness.emulator.stats().chatCompletions).toBe(calls);
      expect((await harness.blobs.readJson(harness.output, location.errorName))?.value).toEqual(document);
    },
  );

  it('puts documents of names storage cannot hold under hashed names, and keeps short names readable', () => {
    const at = (id: string) =>
      defaultOutputLocation(harness.output, cases.find((input) => input.id === id)?.blobName ?? '');
    expect(at('name-1000-chars').errorName).toMatch(/^long\/n+\.png\.error\.json$/);
    for (const id of ['name-1020-chars', 'name-1025-chars', 'name-dot-dot']) {
      expect(at(id).errorName).toMatch(new RegExp(`^${HASHED_NAMES_FOLDER}/[0-9a-f]{64}\\.error\\.json$`));
    }
    expect(at('name-unicode').errorName).toBe('names/ünïcødé-画像-🎉.png.error.json');
  });
});
