import { loadConfig, DEFAULT_SCOPE } from '../src/config';
import { MediaCompletionsError } from '../src/core/errors/MediaCompletionsError';

const MINIMAL = {
  MediaStorage: 'UseDevelopmentStorage=true',
  AZURE_INFERENCE_ENDPOINT: 'https://x.services.ai.azure.com/models',
};

function configError(env: Record<string, string>): MediaCompletionsError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof MediaCompletionsError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('loadConfig', () => {
  it('fills every default from a minimal configuration', () => {
    const config = loadConfig(MINIMAL);
    expect(config.storage).toEqual({
      kind: 'connectionString',
      setting: 'MediaStorage',
      connectionString: 'UseDevelopmentStorage=true',
    });
    expect(config.inference).toEqual({
      endpoint: 'https://x.services.ai.azure.com/models',
      key: undefined,
      scope: DEFAULT_SCOPE,
      clientId: undefined,
    });
    expect(config.blobTriggerSource).toBe('EventGrid');
    expect(config.batch.queues.item).toBe('media-batch');
    expect(config.pipeline).toMatchObject({
      inputContainer: 'media-in',
      outputContainer: 'media-out',
      defaultModel: undefined,
      allowedModels: [],
      apiVersion: undefined,
      imageDetail: 'auto',
      maxBytes: 20 * 1024 * 1024,
      maxImagesPerRequest: 1,
      animatedImages: 'first-frame',
      imageDecode: { memoryBytes: 1536 * 1024 * 1024, concurrency: 4 },
    });
    expect(config.pipeline.retry.totalBudgetMs).toBeLessThan(300_000);
  });

  it('reads the inference, prompt and limit settings', () => {
    const config = loadConfig({
      ...MINIMAL,
      AZURE_INFERENCE_CREDENTIAL: 'secret',
      AZURE_INFERENCE_MODEL: 'gpt-4o',
      AZURE_INFERENCE_API_VERSION: '2025-01-01-preview',
      AZURE_CLIENT_ID: 'client',
      MEDIA_IMAGE_DETAIL: 'HIGH',
      MEDIA_MAX_TOKENS: '300',
      MEDIA_MAX_BYTES: '1000',
      MEDIA_BLOB_TRIGGER_SOURCE: 'LogsAndContainerScan',
      MEDIA_ALLOWED_MODELS: 'gpt-4o, gpt-4o-mini ,',
    });
    expect(config.inference.key).toBe('secret');
    expect(config.inference.clientId).toBe('client');
    expect(config.pipeline).toMatchObject({
      defaultModel: 'gpt-4o',
      allowedModels: ['gpt-4o', 'gpt-4o-mini'],
      apiVersion: '2025-01-01-preview',
      imageDetail: 'high',
      maxTokens: 300,
      maxBytes: 1000,
    });
    expect(config.blobTriggerSource).toBe('LogsAndContainerScan');
  });

  it('allows only the configured model by default', () => {
    expect(loadConfig({ ...MINIMAL, AZURE_INFERENCE_MODEL: 'm' }).pipeline.allowedModels).toEqual(['m']);
  });

  it('accepts identity-based storage settings and falls back to AzureWebJobsStorage', () => {
    const identity = loadConfig({
      AZURE_INFERENCE_ENDPOINT: 'https://x',
      MediaStorage__blobServiceUri: 'https://acct.blob.core.windows.net/',
      MediaStorage__queueServiceUri: 'https://acct.queue.core.windows.net',
      MediaStorage__credential: 'managedidentity',
      MediaStorage__clientId: 'abc',
    });
    expect(identity.storage).toEqual({
      kind: 'identity',
      setting: 'MediaStorage',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      queueServiceUri: 'https://acct.queue.core.windows.net',
      credential: 'managedidentity',
      clientId: 'abc',
    });
    const fallback = loadConfig({
      AZURE_INFERENCE_ENDPOINT: 'https://x',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    expect(fallback.storage).toMatchObject({ kind: 'connectionString', setting: 'AzureWebJobsStorage' });
    const hostIdentity = loadConfig({
      AZURE_INFERENCE_ENDPOINT: 'https://x',
      AzureWebJobsStorage__accountName: 'acct',
    });
    expect(hostIdentity.storage).toMatchObject({
      kind: 'identity',
      setting: 'AzureWebJobsStorage',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      credential: undefined,
    });
  });

  it('reads the image conversion settings', () => {
    const config = loadConfig({
      ...MINIMAL,
      MEDIA_ANIMATED_IMAGES: 'Reject',
      MEDIA_DECODE_MEMORY_MB: '512',
      MEDIA_DECODE_CONCURRENCY: '2',
    });
    expect(config.pipeline).toMatchObject({
      animatedImages: 'reject',
      imageDecode: { memoryBytes: 512 * 1024 * 1024, concurrency: 2 },
    });
    const message = configError({
      ...MINIMAL,
      MEDIA_ANIMATED_IMAGES: 'loop',
      MEDIA_DECODE_MEMORY_MB: '10',
      MEDIA_DECODE_CONCURRENCY: '0',
    }).message;
    for (const name of ['MEDIA_ANIMATED_IMAGES', 'MEDIA_DECODE_MEMORY_MB', 'MEDIA_DECODE_CONCURRENCY']) {
      expect(message).toContain(name);
    }
  });

  it('names every missing or invalid setting in one error', () => {
    const error = configError({
      MEDIA_MAX_TOKENS: 'lots',
      MEDIA_IMAGE_DETAIL: 'ultra',
      MEDIA_INPUT_CONTAINER: 'Bad_Name',
      MEDIA_BLOB_TRIGGER_SOURCE: 'Polling',
      MEDIA_MAX_IMAGES_PER_REQUEST: '0',
    });
    expect(error.code).toBe('invalid_config');
    for (const name of [
      'AZURE_INFERENCE_ENDPOINT is required',
      'MediaStorage is required',
      'MEDIA_MAX_TOKENS',
      'MEDIA_IMAGE_DETAIL',
      'MEDIA_INPUT_CONTAINER',
      'MEDIA_BLOB_TRIGGER_SOURCE',
      'MEDIA_MAX_IMAGES_PER_REQUEST',
    ]) {
      expect(error.message).toContain(name);
    }
  });

  it('rejects an output container equal to the input container', () => {
    expect(configError({ ...MINIMAL, MEDIA_OUTPUT_CONTAINER: 'media-in' }).message).toContain(
      'MEDIA_OUTPUT_CONTAINER',
    );
  });

  it('reads the batch containers (default: the input container) and never allows the unreadable ones', () => {
    expect(loadConfig(MINIMAL).batch.containers).toEqual(['media-in']);
    expect(loadConfig(MINIMAL).http.blobContainers).toEqual(['media-in']);
    expect(loadConfig({ ...MINIMAL, MEDIA_BATCH_CONTAINERS: 'media-in, archive' }).batch.containers).toEqual([
      'media-in',
      'archive',
    ]);
    for (const [setting, value, reason] of [
      ['MEDIA_BATCH_CONTAINERS', 'media-in,media-out', 'output container'],
      ['MEDIA_HTTP_BLOB_CONTAINERS', 'media-out', 'output container'],
      ['MEDIA_BATCH_CONTAINERS', 'azure-webjobs-secrets', 'azure-webjobs-*'],
      ['MEDIA_HTTP_BLOB_CONTAINERS', 'media-in,azure-webjobs-hosts', 'azure-webjobs-*'],
      ['MEDIA_BATCH_CONTAINERS', '$logs', '$-prefixed'],
    ] as const) {
      const { message } = configError({ ...MINIMAL, [setting]: value });
      expect(message).toContain(setting);
      expect(message).toContain(reason);
    }
  });

  it('rejects a token cap below the default max_tokens, a bad URL and a half identity connection', () => {
    const message = configError({
      AZURE_INFERENCE_ENDPOINT: 'ftp://x',
      MEDIA_MAX_TOKENS: '5000',
      MEDIA_MAX_TOKENS_CAP: '100',
      MediaStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
      MediaStorage__credential: 'password',
    }).message;
    expect(message).toContain('MEDIA_MAX_TOKENS_CAP');
    expect(message).toContain('AZURE_INFERENCE_ENDPOINT');
    expect(message).toContain('MediaStorage__queueServiceUri');
    expect(message).toContain('MediaStorage__credential');
  });

  it('names the setting and its accepted forms for a connection string that is none, without echoing it', () => {
    const message = configError({ ...MINIMAL, MediaStorage: 'garbage-AccountKey-abc' }).message;
    expect(message).toContain('MediaStorage must be a storage connection string');
    expect(message).toContain('"UseDevelopmentStorage=true"');
    expect(message).toContain('AccountName=<account>;AccountKey=<key>');
    expect(message).toContain('MediaStorage__blobServiceUri');
    expect(message).not.toContain('garbage-AccountKey-abc');
    for (const good of [
      'UseDevelopmentStorage=true',
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5PQ==;EndpointSuffix=core.windows.net',
      'BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=x',
    ]) {
      expect(loadConfig({ ...MINIMAL, MediaStorage: good }).storage).toMatchObject({
        kind: 'connectionString',
      });
    }
  });

  it('gives an example with a URL setting and the form of a container name', () => {
    const message = configError({
      ...MINIMAL,
      AZURE_INFERENCE_ENDPOINT: 'not a url',
      MEDIA_INPUT_CONTAINER: 'Bad_Name',
    }).message;
    expect(message).toContain('AZURE_INFERENCE_ENDPOINT must be an absolute http(s) URL, e.g. https://');
    expect(message).toContain('MEDIA_INPUT_CONTAINER must be a container name (3-63 lowercase letters');
  });

  it('never echoes the API key', () => {
    const message = configError({
      AZURE_INFERENCE_CREDENTIAL: 'super-secret-key',
      MEDIA_MAX_BYTES: 'x',
    }).message;
    expect(message).not.toContain('super-secret-key');
  });
});
