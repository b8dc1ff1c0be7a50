import { startAzurite } from '../../src/cli/startAzurite';
import { bicepSkipReason } from '../infra/bicepSkipReason';

/** One in-memory Azurite for the whole run; tests isolate themselves with unique container and queue names. */
export default async function globalSetup(): Promise<void> {
  const skipBicep = bicepSkipReason();
  if (skipBicep !== undefined) process.stderr.write(`\nInfra (Bicep) tests skipped: ${skipBicep}.\n`);
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  (globalThis as { __azurite__?: typeof azurite }).__azurite__ = azurite;
}
