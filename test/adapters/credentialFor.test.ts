import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { credentialFor } from '../../src/adapters/credentialFor';

describe('credentialFor', () => {
  it('pins ManagedIdentityCredential when the connection says managedidentity, with or without a client id', async () => {
    for (const clientId of ['00000000-0000-0000-0000-000000000001', undefined]) {
      expect(await credentialFor({ credential: 'managedidentity', clientId })).toBeInstanceOf(
        ManagedIdentityCredential,
      );
    }
  });

  it('otherwise uses DefaultAzureCredential, also with a client id (tried as its managed identity)', async () => {
    for (const clientId of ['00000000-0000-0000-0000-000000000001', undefined]) {
      expect(await credentialFor({ credential: undefined, clientId })).toBeInstanceOf(DefaultAzureCredential);
    }
  });
});
