import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, errorCodeInfo } from '../../../src/core/errors/errorCodes';

/** `code → "class|settles|status"` from the error table in docs/architecture.md. */
function documentedTable(): Map<string, string> {
  const page = readFileSync(join(__dirname, '../../../docs/architecture.md'), 'utf8');
  const section = page.slice(page.indexOf('## Errors: one table'));
  const rows = section
    .slice(0, section.indexOf('\n## ', 1))
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  const table = new Map<string, string>();
  for (const row of rows) {
    const [codes = '', errorClass = '', settles = '', http = ''] = row
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    for (const [, code = ''] of codes.matchAll(/`([a-z0-9_]+)`/g))
      table.set(code, `${errorClass}|${settles}|${http}`);
  }
  return table;
}

describe('ERROR_CODES', () => {
  it('is the table docs/architecture.md shows, code by code', () => {
    const fromCode = new Map(
      Object.entries(ERROR_CODES).map(([code, info]) => [
        code,
        `${info.errorClass}|${info.settles ? 'yes' : 'no'}|${info.httpStatus}${
          'retryAfterSeconds' in info ? ' + Retry-After' : ''
        }`,
      ]),
    );
    expect(documentedTable()).toEqual(fromCode);
  });

  it('settles exactly the input errors', () => {
    for (const info of Object.values(ERROR_CODES)) expect(info.settles).toBe(info.errorClass === 'input');
  });

  it("knows nothing of a code the service chose, nor of an object's own properties", () => {
    expect(errorCodeInfo('content_policy_violation')).toBeUndefined();
    expect(errorCodeInfo('toString')).toBeUndefined();
  });
});
