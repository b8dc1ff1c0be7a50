import { containerAccessProblem } from './core/access/containerAccessProblem';
import { MediaCompletionsError } from './core/errors';
import type { HttpSettings } from './core/http/HttpSettings';
import type { BatchSettings } from './core/batch/BatchSettings';
import type { AnimatedImagePolicy } from './core/media/prepareImageForModel';
import type { PipelineSettings } from './core/PipelineSettings';
import type { ImageDetail } from './core/ports/ModelGateway';
import type { TokenLimitSetting } from './core/retry/TokenLimitParameter';

/** A storage connection in either form the Functions host reads for a connection prefix. */
export type StorageConnection =
  | { kind: 'connectionString'; setting: string; connectionString: string }
  | {
      kind: 'identity';
      setting: string;
      blobServiceUri: string;
      queueServiceUri: string;
      /** `managedidentity` pins ManagedIdentityCredential; otherwise DefaultAzureCredential. */
      credential: 'managedidentity' | undefined;
      clientId: string | undefined;
    };

export interface InferenceConfig {
  endpoint: string;
  /** API key; `undefined` means Entra ID. Never log it. */
  key: string | undefined;
  scope: string;
  /** User-assigned managed identity (AZURE_CLIENT_ID). */
  clientId: string | undefined;
}

export type BlobTriggerSource = 'EventGrid' | 'LogsAndContainerScan';

export interface AppConfig {
  storage: StorageConnection;
  inference: InferenceConfig;
  pipeline: PipelineSettings;
  blobTriggerSource: BlobTriggerSource;
  batchQueue: string;
  batch: BatchSettings;
  http: HttpSettings;
}

export type Env = Readonly<Record<string, string | undefined>>;

const MiB = 1024 * 1024;
export const DEFAULT_SCOPE = 'https://cognitiveservices.azure.com/.default';
const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const CONTAINER_FORM =
  '3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit';
const URL_EXAMPLES: Readonly<Record<string, string>> = {
  AZURE_INFERENCE_ENDPOINT:
    'https://<resource>.services.ai.azure.com/models or ' +
    'https://<resource>.openai.azure.com/openai/deployments/<deployment>',
  MediaStorage__blobServiceUri: 'https://<account>.blob.core.windows.net',
  MediaStorage__queueServiceUri: 'https://<account>.queue.core.windows.net',
  AzureWebJobsStorage__blobServiceUri: 'https://<account>.blob.core.windows.net',
  AzureWebJobsStorage__queueServiceUri: 'https://<account>.queue.core.windows.net',
};
const URL_FORMS = `an absolute http(s) URL, e.g. ${URL_EXAMPLES.AZURE_INFERENCE_ENDPOINT ?? ''}`;

/**
 * Reads and validates every app setting once. The only reader of `process.env` in the project: everything else
 * receives an AppConfig. Throws `invalid_config` listing every bad or missing setting by name.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new SettingReader(env);
  const inputContainer = r.match(
    'MEDIA_INPUT_CONTAINER',
    'media-in',
    CONTAINER_NAME,
    `a container name (${CONTAINER_FORM})`,
  );
  const outputContainer = r.match(
    'MEDIA_OUTPUT_CONTAINER',
    'media-out',
    CONTAINER_NAME,
    `a container name (${CONTAINER_FORM})`,
  );
  if (inputContainer === outputContainer) {
    r.problem(
      'MEDIA_OUTPUT_CONTAINER',
      'must differ from MEDIA_INPUT_CONTAINER (results would trigger the function)',
    );
  }
  const defaultModel = r.optional('AZURE_INFERENCE_MODEL');
  const allowed = r.optional('MEDIA_ALLOWED_MODELS');
  const maxTokens = r.integer('MEDIA_MAX_TOKENS', 1024, 1, 1_000_000);
  const maxTokensCap = r.integer('MEDIA_MAX_TOKENS_CAP', Math.max(4096, maxTokens), 1, 1_000_000);
  if (maxTokensCap < maxTokens) r.problem('MEDIA_MAX_TOKENS_CAP', 'must be at least MEDIA_MAX_TOKENS');
  const pipeline: PipelineSettings = {
    inputContainer,
    outputContainer,
    defaultModel,
    allowedModels:
      allowed === undefined
        ? defaultModel === undefined
          ? []
          : [defaultModel]
        : allowed
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name.length > 0),
    apiVersion: r.optionalMatch(
      'AZURE_INFERENCE_API_VERSION',
      /^\d{4}-\d{2}-\d{2}(-preview)?$/,
      'YYYY-MM-DD[-preview]',
    ),
    systemPrompt: r.text(
      'MEDIA_SYSTEM_PROMPT',
      'You are a helpful assistant. Describe what you are given accurately and concisely.',
    ),
    imagePrompt: r.text('MEDIA_IMAGE_PROMPT', 'Describe this image.'),
    audioPrompt: r.text('MEDIA_AUDIO_PROMPT', 'Transcribe this audio, then summarize it in one sentence.'),
    imageDetail: r.oneOf<ImageDetail>('MEDIA_IMAGE_DETAIL', 'auto', ['auto', 'low', 'high']),
    maxTokens,
    maxTokensParameter: r.oneOf<TokenLimitSetting>('MEDIA_MAX_TOKENS_PARAMETER', 'auto', [
      'auto',
      'max_tokens',
      'max_completion_tokens',
    ]),
    maxTokensCap,
    maxPromptChars: r.integer('MEDIA_MAX_PROMPT_CHARS', 4000, 1, 100_000),
    maxBytes: r.integer('MEDIA_MAX_BYTES', 20 * MiB, 1, 100 * MiB),
    maxImagesPerRequest: r.integer('MEDIA_MAX_IMAGES_PER_REQUEST', 1, 1, 50),
    downscaleImages: r.boolean('MEDIA_DOWNSCALE', true),
    compactAudio: r.boolean('MEDIA_AUDIO_COMPACT', false),
    animatedImages: r.oneOf<AnimatedImagePolicy>('MEDIA_ANIMATED_IMAGES', 'first-frame', [
      'first-frame',
      'reject',
    ]),
    imageDecode: {
      // Sized for a 2,048 MB Flex Consumption instance: what is left holds the runtime and one request body.
      memoryBytes: r.integer('MEDIA_DECODE_MEMORY_MB', 1536, 64, 65_536) * MiB,
      concurrency: r.integer('MEDIA_DECODE_CONCURRENCY', 4, 1, 64),
    },
    retry: {
      maxAttempts: r.integer('MEDIA_RETRY_MAX_ATTEMPTS', 6, 1, 20),
      baseDelayMs: r.integer('MEDIA_RETRY_BASE_DELAY_MS', 1000, 0, 60_000),
      maxDelayMs: r.integer('MEDIA_RETRY_MAX_DELAY_MS', 30_000, 0, 600_000),
      attemptTimeoutMs: r.integer('MEDIA_ATTEMPT_TIMEOUT_MS', 120_000, 100, 600_000),
      totalBudgetMs: r.integer('MEDIA_RETRY_BUDGET_MS', 240_000, 100, 1_800_000),
      configurationBackoffMs: r.integer('MEDIA_CONFIGURATION_BACKOFF_MS', 30_000, 0, 3_600_000),
    },
    // With the default budget a claim lives 5 minutes, the default functionTimeout: no run outlives it.
    claimMarginMs: r.integer('MEDIA_CLAIM_MARGIN_MS', 60_000, 0, 3_600_000),
  };
  const batchQueue = r.match(
    'MEDIA_BATCH_QUEUE',
    'media-batch',
    CONTAINER_NAME,
    `a queue name (${CONTAINER_FORM})`,
  );
  const config: AppConfig = {
    storage: storageConnection(r),
    inference: {
      endpoint: r.url('AZURE_INFERENCE_ENDPOINT'),
      key: r.optional('AZURE_INFERENCE_CREDENTIAL'),
      scope: r.text('AZURE_INFERENCE_SCOPE', DEFAULT_SCOPE),
      clientId: r.optional('AZURE_CLIENT_ID'),
    },
    pipeline,
    blobTriggerSource: r.oneOf<BlobTriggerSource>('MEDIA_BLOB_TRIGGER_SOURCE', 'EventGrid', [
      'EventGrid',
      'LogsAndContainerScan',
    ]),
    batchQueue,
    batch: {
      queue: batchQueue,
      planPageSize: r.integer('MEDIA_BATCH_PAGE_SIZE', 1000, 1, 5000),
      counterShards: r.integer('MEDIA_BATCH_COUNTER_SHARDS', 16, 1, 256),
      maxDequeueCount: r.integer('MEDIA_BATCH_MAX_DEQUEUE_COUNT', 5, 1, 100),
      containers: r.readableContainers('MEDIA_BATCH_CONTAINERS', [inputContainer], outputContainer),
    },
    http: {
      allowImageUrls: r.boolean('MEDIA_HTTP_ALLOW_URLS', false),
      blobContainers: r.readableContainers('MEDIA_HTTP_BLOB_CONTAINERS', [inputContainer], outputContainer),
      maxParts: r.integer('MEDIA_HTTP_MAX_PARTS', 16, 2, 100),
      // The host cuts HTTP responses at 230 s; reading, saving and answering need the rest.
      timeBudgetMs: r.integer('MEDIA_HTTP_TIME_BUDGET_MS', 180_000, 1000, 220_000),
    },
  };
  r.throwIfProblems();
  return config;
}

/** `MediaStorage` (connection string or `MediaStorage__*` identity settings), else `AzureWebJobsStorage`. */
function storageConnection(r: SettingReader): StorageConnection {
  for (const prefix of ['MediaStorage', 'AzureWebJobsStorage']) {
    const connectionString = r.optional(prefix);
    if (connectionString !== undefined) {
      // Never echo it: a connection string can hold an account key or SAS token.
      if (!isConnectionString(connectionString)) {
        r.problem(
          prefix,
          'must be a storage connection string: "UseDevelopmentStorage=true" (Azurite), ' +
            '"DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net" ' +
            `or "BlobEndpoint=<url>;QueueEndpoint=<url>;SharedAccessSignature=<sas>"; or, instead, ` +
            `${prefix}__blobServiceUri and ${prefix}__queueServiceUri (or ${prefix}__accountName) for an ` +
            'identity-based connection',
        );
      }
      return { kind: 'connectionString', setting: prefix, connectionString };
    }
    const account = r.optional(`${prefix}__accountName`);
    const blob =
      r.optional(`${prefix}__blobServiceUri`) ?? (account && `https://${account}.blob.core.windows.net`);
    if (blob === undefined) continue;
    const queue =
      r.optional(`${prefix}__queueServiceUri`) ?? (account && `https://${account}.queue.core.windows.net`);
    if (queue === undefined) {
      r.problem(`${prefix}__queueServiceUri`, 'is required with an identity-based connection');
    }
    const credential = r.optional(`${prefix}__credential`);
    if (credential !== undefined && credential.toLowerCase() !== 'managedidentity') {
      r.problem(`${prefix}__credential`, 'must be "managedidentity" when set');
    }
    return {
      kind: 'identity',
      setting: prefix,
      blobServiceUri: r.checkUrl(`${prefix}__blobServiceUri`, blob),
      queueServiceUri: queue === undefined ? '' : r.checkUrl(`${prefix}__queueServiceUri`, queue),
      credential: credential === undefined ? undefined : 'managedidentity',
      clientId: r.optional(`${prefix}__clientId`),
    };
  }
  r.problem(
    'MediaStorage',
    'is required (or AzureWebJobsStorage): a connection string or MediaStorage__blobServiceUri',
  );
  return { kind: 'connectionString', setting: 'MediaStorage', connectionString: '' };
}

/** `UseDevelopmentStorage=true`, or `key=value` pairs naming an account or a blob endpoint, as the SDK parses them. */
function isConnectionString(value: string): boolean {
  if (/^UseDevelopmentStorage=true;?$/i.test(value)) return true;
  const pairs = value.split(';').filter((part) => part.trim() !== '');
  if (!pairs.every((pair) => /^\s*[A-Za-z]+\s*=./.test(pair))) return false;
  const keys = new Set(pairs.map((pair) => pair.slice(0, pair.indexOf('=')).trim().toLowerCase()));
  return keys.has('accountname') || keys.has('blobendpoint');
}

class SettingReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  problem(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) {
      throw new MediaCompletionsError(
        'invalid_config',
        `Invalid configuration: ${this.problems.join('; ')}.`,
      );
    }
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  text(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  match(name: string, fallback: string, pattern: RegExp, what: string): string {
    return this.optionalMatch(name, pattern, what) ?? fallback;
  }

  optionalMatch(name: string, pattern: RegExp, what: string): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && !pattern.test(value)) {
      this.problem(name, `must be ${what}, got "${value.slice(0, 80)}"`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (found === undefined)
      this.problem(name, `must be one of ${allowed.join(', ')}, got "${value.slice(0, 80)}"`);
    return found ?? fallback;
  }

  list(name: string, fallback: readonly string[], pattern: RegExp, what: string): readonly string[] {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    const bad = items.find((item) => !pattern.test(item));
    if (items.length === 0 || bad !== undefined) {
      this.problem(name, `must be comma-separated ${what}, got "${value.slice(0, 80)}"`);
      return fallback;
    }
    return items;
  }

  /** Containers callers may read: never the output container, `azure-webjobs-*` or `$`-prefixed ones. */
  readableContainers(name: string, fallback: readonly string[], outputContainer: string): readonly string[] {
    const value = this.optional(name);
    const forbidden = value
      ?.split(',')
      .map((item) => item.trim())
      .map((item) => ({ item, problem: containerAccessProblem(item, outputContainer) }))
      .find(({ problem }) => problem !== undefined);
    if (forbidden !== undefined) {
      this.problem(name, `must not list "${forbidden.item.slice(0, 80)}": it ${forbidden.problem ?? ''}`);
      return fallback;
    }
    return this.list(name, fallback, CONTAINER_NAME, 'container names');
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(name, `must be true or false, got "${value.slice(0, 80)}"`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problem(name, `must be an integer from ${min} to ${max}, got "${value.slice(0, 80)}"`);
      return fallback;
    }
    return parsed;
  }

  url(name: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      this.problem(name, `is required: ${URL_FORMS}`);
      return '';
    }
    return this.checkUrl(name, value);
  }

  checkUrl(name: string, value: string): string {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problem(
        name,
        `must be an absolute http(s) URL, e.g. ${URL_EXAMPLES[name] ?? 'https://<host>/<path>'}`,
      );
      return value;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      this.problem(
        name,
        `must be an absolute http(s) URL, e.g. ${URL_EXAMPLES[name] ?? 'https://<host>/<path>'}`,
      );
    }
    return value.replace(/\/+$/, '');
  }
}
