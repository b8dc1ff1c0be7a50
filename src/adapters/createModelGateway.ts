import type { KeyCredential, TokenCredential } from '@azure/core-auth';
import type { InferenceConfig } from '../config';
import type { ModelGateway } from '../core/ports/ModelGateway';
import { credentialFor } from './credentialFor';

/**
 * Builds the gateway: an API key when configured, otherwise Entra ID by `credentialFor`, where AZURE_CLIENT_ID
 * (set by the infra to the app's user-assigned identity) pins that managed identity and its absence means
 * DefaultAzureCredential. The token scope is the configured one, since the SDK's default scope gets 401 on
 * Foundry and Azure OpenAI endpoints. SDK retries are off: the core counts and bounds every attempt.
 * The SDK loads here, not at module load, to keep cold starts short.
 */
export async function createModelGateway(config: InferenceConfig): Promise<ModelGateway> {
  const [{ default: createClient }, { InferenceModelGateway }] = await Promise.all([
    import('@azure-rest/ai-inference'),
    import('./InferenceModelGateway'),
  ]);
  const credential: KeyCredential | TokenCredential =
    config.key === undefined
      ? await credentialFor({
          credential: config.clientId === undefined ? undefined : 'managedidentity',
          clientId: config.clientId,
        })
      : { key: config.key };
  const client = createClient(config.endpoint, credential, {
    credentials: { scopes: [config.scope] },
    retryOptions: { maxRetries: 0 },
    allowInsecureConnection: config.endpoint.startsWith('http:'),
    userAgentOptions: { userAgentPrefix: 'media-completions' },
  });
  return new InferenceModelGateway(client);
}
