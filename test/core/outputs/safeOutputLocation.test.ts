import { blobNameProblem, MAX_BLOB_NAME_CHARS } from '../../../src/core/outputs/blobNameProblem';
import { defaultOutputLocation } from '../../../src/core/outputs/OutputLocation';
import { HASHED_NAMES_FOLDER, safeOutputLocation } from '../../../src/core/outputs/safeOutputLocation';
import { recordPoisonBlob } from '../../../src/core/recordPoisonBlob';
import { png } from '../../fixtures/badInputs';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';

describe('blobNameProblem', () => {
  it.each([
    ['a.png', undefined],
    ['dir/sub dir/ünï 🎉.png', undefined],
    ['a%2F..%2Fb.png', undefined],
    ['..hidden/x..png', undefined],
    ['x'.repeat(MAX_BLOB_NAME_CHARS), undefined],
    ['', /empty/],
    ['x'.repeat(MAX_BLOB_NAME_CHARS + 1), /1025 characters/],
    ['a/../b.png', /"\.\." path segment/],
    ['../b.png', /"\.\." path segment/],
    ['a/./b.png', /path segment/],
    ['a/..', /path segment/],
  ])('%j → %p', (name, expected) => {
    const problem = blobNameProblem(name);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('safeOutputLocation', () => {
  it('keeps usable names and hashes the others deterministically, pairing result and error names', () => {
    const usable = defaultOutputLocation('out', 'photos/cat.png');
    expect(safeOutputLocation(usable)).toBe(usable);
    const long = safeOutputLocation(defaultOutputLocation('out', `p/${'n'.repeat(1015)}`));
    expect(long.container).toBe('out');
    expect(long.resultName).toMatch(new RegExp(`^${HASHED_NAMES_FOLDER}/[0-9a-f]{64}\\.json$`));
    expect(long.errorName).toBe(long.resultName.replace(/\.json$/, '.error.json'));
    expect(safeOutputLocation(defaultOutputLocation('out', `p/${'n'.repeat(1015)}`))).toEqual(long);
    expect(safeOutputLocation(defaultOutputLocation('out', 'a/../b.png')).resultName).not.toBe(
      safeOutputLocation(defaultOutputLocation('out', 'b.png')).resultName,
    );
  });
});

describe('recordPoisonBlob with a name whose document name storage cannot hold', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await pipelineHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('writes the retries_exhausted document under the hashed name', async () => {
    const name = `deep/${'n'.repeat(1015)}.png`;
    const { etag } = await h.blobs.upload(h.input, name, png(2, 2));
    expect(await recordPoisonBlob(h.deps, { container: h.input, name, etag, deliveries: 5 })).toBe(
      'recorded',
    );
    const location = safeOutputLocation(defaultOutputLocation(h.output, name));
    expect((await h.blobs.readJson(h.output, location.errorName))?.value).toMatchObject({
      source: { name },
      error: { code: 'retries_exhausted' },
    });
  });
});
