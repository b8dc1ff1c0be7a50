import type { TokenCredential } from '@azure/core-auth';

/** Which Entra ID credential a connection uses, in the Functions host's terms for a connection prefix. */
export interface IdentityChoice {
  /** `managedidentity` pins ManagedIdentityCredential (the host's `<PREFIX>__credential`). */
  credential: 'managedidentity' | undefined;
  /** A user-assigned managed identity's client id (the host's `<PREFIX>__clientId`). */
  clientId: string | undefined;
}

/**
 * The one credential rule, the host's own for identity-based connections: `managedidentity` pins
 * ManagedIdentityCredential (user-assigned when `clientId` is set, else system-assigned); otherwise
 * DefaultAzureCredential, which tries environment, workload identity, managed identity (`clientId` when set) and
 * developer sign-ins in turn. `@azure/identity` loads on first use, not at module load, to keep cold starts short.
 */
export async function credentialFor(identity: IdentityChoice): Promise<TokenCredential> {
  const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');
  const { clientId } = identity;
  if (identity.credential === 'managedidentity') {
    return new ManagedIdentityCredential(clientId === undefined ? {} : { clientId });
  }
  return new DefaultAzureCredential(clientId === undefined ? {} : { managedIdentityClientId: clientId });
}
