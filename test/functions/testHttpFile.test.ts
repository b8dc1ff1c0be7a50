import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpFunctionOptions } from '@azure/functions';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

const ROOT = path.join(__dirname, '../..');
let harness: FunctionsHarness;

beforeAll(async () => {
  harness = await functionsHarness();
});

afterAll(async () => {
  await harness.close();
});

/** `METHOD route` for every HTTP function the modules register, as the host would read them. */
async function registeredEndpoints(): Promise<string[]> {
  const endpoints: string[] = [];
  await jest.isolateModulesAsync(async () => {
    // The modules' own copy of the library, in this isolated registry: its `app.http` is the one they call.
    const { app } = await import('@azure/functions');
    jest.spyOn(app, 'http').mockImplementation((name: string, options: HttpFunctionOptions) => {
      for (const method of options.methods ?? ['GET', 'POST'])
        endpoints.push(`${method} ${options.route ?? name}`);
    });
    const dir = path.join(ROOT, 'src/functions');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) await import(path.join(dir, file));
  });
  jest.restoreAllMocks();
  return endpoints.sort();
}

describe('test.http', () => {
  const text = readFileSync(path.join(ROOT, 'test.http'), 'utf8');

  it('has exactly one request per HTTP endpoint the app registers', async () => {
    const requests = [...text.matchAll(/^(GET|POST|PUT|PATCH|DELETE) \{\{baseUrl\}\}\/(\S+)$/gm)].map(
      ([, method, route]) => `${method ?? ''} ${(route ?? '').replace('{{batchId}}', '{id}')}`,
    );
    expect(requests.sort()).toEqual(await registeredEndpoints());
  });

  it('points at files that exist', () => {
    for (const [, file] of text.matchAll(/^< (\S+)$/gm))
      expect(existsSync(path.join(ROOT, file ?? ''))).toBe(true);
  });
});
