import { randomBytes } from 'node:crypto';

/** The connection string of the Azurite that jest's global setup started. */
export function testConnectionString(): string {
  const value = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (value === undefined)
    throw new Error('TEST_STORAGE_CONNECTION_STRING is unset: run the tests with jest.');
  return value;
}

/** A container or queue name no other test uses (lowercase, 3-63 characters). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`.toLowerCase();
}
