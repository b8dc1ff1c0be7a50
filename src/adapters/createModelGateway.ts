import type { KeyCredential, TokenCredential } from '@azure/core-auth';
import type { InferenceConfig } from '../config';
import type { ModelGateway } from '../core/ports/ModelGateway';

/**
 * Builds the gateway: an API key when configured, otherwise Entra ID (a user-assigned managed identity when
 * AZURE_CLIENT_ID is set, else DefaultAzureCredential) with the configured scope, since the SDK's default scope
 * gets 401 on Foundry and Azure OpenAI endpoints. SDK retries are off: the core counts and bounds every attempt.
 * The SDK and @azure/identity load here, not at module load, to keep cold starts short.
 */
export async function createModelGateway(config: InferenceConfig): Promise<ModelGateway> {
  const [{ default: createClient }, { InferenceModelGateway }] = await Promise.all([
    import('@azure-rest/ai-inference'),
    import('./InferenceModelGateway'),
  ]);
  const credential: KeyCredential | TokenCredential =
    config.key === undefined ? await entraCredential(config.clientId) : { key: config.key };
  const client = createClient(config.endpoint, credential, {
    credentials: { scopes: [config.scope] },
    retryOptions: { maxRetries: 0 },
    allowInsecureConnection: config.endpoint.startsWith('http:'),
    userAgentOptions: { userAgentPrefix: 'media-completions' },
  });
  return new InferenceModelGateway(client);
}

async function entraCredential(clientId: string | undefined): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  return clientId === undefined
    ? new identity.DefaultAzureCredential()
    : new identity.ManagedIdentityCredential({ clientId });
}
