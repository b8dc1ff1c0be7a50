import fc from 'fast-check';
import { blobNameProblem, MAX_BLOB_NAME_CHARS } from '../../../src/core/outputs/blobNameProblem';
import { defaultOutputLocation } from '../../../src/core/outputs/OutputLocation';
import {
  documentLocation,
  HASHED_NAMES_FOLDER,
  keyOfDocumentName,
} from '../../../src/core/outputs/documentLocation';
import { recordPoisonBlob } from '../../../src/core/blob/recordPoisonBlob';
import { png } from '../../fixtures/badInputs';
import { pipelineHarness, type PipelineHarness } from '../../support/pipelineHarness';

describe('blobNameProblem', () => {
  it.each([
    ['a.png', undefined],
    ['dir/sub dir/ünï 🎉.png', undefined],
    ['a%2F..%2Fb.png', undefined],
    ['a\\..\\b.png', /"\\"/],
    ['/a.png', /empty path segment/],
    ['a//b.png', /empty path segment/],
    ['a\uD800.png', /lone surrogate/],
    ['\uDC00', /lone surrogate/],
    ['🎉.png', undefined],
    ['a/', /empty path segment/],
    ['..hidden/x..png', undefined],
    ['x'.repeat(MAX_BLOB_NAME_CHARS), undefined],
    ['', /empty/],
    ['x'.repeat(MAX_BLOB_NAME_CHARS + 1), /1025 characters/],
    ['a/../b.png', /"\.\." path segment/],
    ['../b.png', /"\.\." path segment/],
    ['a/./b.png', /path segment/],
    ['a/..', /path segment/],
    ['a\u0000b.png', /U\+0000/],
    ['ctl\u0001', /U\+0001/],
    ['tab\tname.png', /U\+0009/],
    ['c1\u0081.png', /U\+0081/],
    ['x\uFFFF', /U\+FFFF/],
  ])('%j → %p', (name, expected) => {
    const problem = blobNameProblem(name);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('documentLocation', () => {
  it('keeps usable names and hashes the others deterministically, pairing result and error names', () => {
    const usable = defaultOutputLocation('out', 'photos/cat.png');
    expect(usable).toEqual({
      container: 'out',
      resultName: 'photos/cat.png.json',
      errorName: 'photos/cat.png.error.json',
    });
    const long = defaultOutputLocation('out', `p/${'n'.repeat(1015)}`);
    expect(long.container).toBe('out');
    expect(long.resultName).toMatch(new RegExp(`^${HASHED_NAMES_FOLDER}/[0-9a-f]{64}\\.json$`));
    expect(long.errorName).toBe(long.resultName.replace(/\.json$/, '.error.json'));
    expect(defaultOutputLocation('out', `p/${'n'.repeat(1015)}`)).toEqual(long);
    expect(defaultOutputLocation('out', 'a/../b.png').resultName).not.toBe(
      defaultOutputLocation('out', 'b.png').resultName,
    );
  });

  it('gives X.error and X different documents (X.error~.json is the escaped result)', () => {
    expect(defaultOutputLocation('out', 'cat.png.error').resultName).toBe('cat.png.error~.json');
    expect(defaultOutputLocation('out', 'cat.png').errorName).toBe('cat.png.error.json');
    expect(defaultOutputLocation('out', 'cat.png.error~').resultName).toBe('cat.png.error~~.json');
  });

  it('never lets an input name reach a reserved folder of the output container', () => {
    for (const name of ['batches/b1/batch', 'claims/x', 'http/2026-01-01/id', `${HASHED_NAMES_FOLDER}/abc`]) {
      expect(defaultOutputLocation('out', name).resultName).toMatch(
        new RegExp(`^${HASHED_NAMES_FOLDER}/[0-9a-f]{64}\\.json$`),
      );
    }
  });

  /** Names built from the parts that make collisions: suffixes, separators, dots, escapes. */
  const names = fc
    .array(
      fc.constantFrom(
        'a',
        'b',
        '.',
        '/',
        '~',
        '.json',
        '.error',
        '.error.json',
        '..',
        'hashed-names',
        'batches',
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join(''));
  const anyName = fc.oneof(names, fc.string({ maxLength: 12 }), fc.constant('x'.repeat(1020)));

  it.each([
    ['the trigger layout', (name: string) => defaultOutputLocation('out', name)],
    ['a batch item folder', (name: string) => documentLocation('out', 'batches/b/items/', name)],
  ])('is injective over every pair of names: %s', (_layout, locate) => {
    fc.assert(
      fc.property(anyName, anyName, (a, b) => {
        const [first, second] = [locate(a), locate(b)];
        expect(first.resultName).not.toBe(first.errorName);
        if (a === b) return;
        const taken = new Set([first.resultName, first.errorName]);
        expect(taken.has(second.resultName)).toBe(false);
        expect(taken.has(second.errorName)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives back the key of every natural document name', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const location = documentLocation('out', '', name);
        for (const document of [location.resultName, location.errorName]) {
          const key = keyOfDocumentName(document);
          if (key !== undefined) expect(key).toBe(name);
          expect(blobNameProblem(document)).toBeUndefined();
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('recordPoisonBlob with a name whose document name storage cannot hold', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await pipelineHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('writes the retries_exhausted document under the hashed name', async () => {
    const name = `deep/${'n'.repeat(1015)}.png`;
    const { etag } = await harness.blobs.upload(harness.input, name, png(2, 2));
    expect(
      await recordPoisonBlob(harness.deps, { container: harness.input, name, etag, deliveries: 5 }),
    ).toBe('recorded');
    const location = defaultOutputLocation(harness.output, name);
    expect((await harness.blobs.readJson(harness.output, location.errorName))?.value).toMatchObject({
      source: { name },
      error: { code: 'retries_exhausted' },
    });
  });
});
