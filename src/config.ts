import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { containerAccessProblem } from './core/access/containerAccessProblem';
import type { Analyzers } from './core/analyzers/Analyzers';
import { parseAnalyzers } from './core/analyzers/parseAnalyzers';
import { MediaCompletionsError } from './core/errors/MediaCompletionsError';
import type { HttpSettings } from './core/http/HttpSettings';
import type { BatchSettings } from './core/batch/BatchSettings';
import { resolveBatchQueues } from './core/batch/resolveBatchQueues';
import type { AnimatedImagePolicy } from './core/media/prepareImageForModel';
import type { PipelineSettings } from './core/completion/PipelineSettings';
import type { ImageDetail } from './core/completion/ImageDetail';
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

/** Every setting, grouped by the concern that reads it. */
export interface AppConfig {
  storage: StorageConnection;
  inference: InferenceConfig;
  pipeline: PipelineSettings;
  blobTriggerSource: BlobTriggerSource;
  batch: BatchSettings;
  http: HttpSettings;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A setting's text turned into its value, or what is wrong with it (completing "<NAME> …"). */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * One app setting: its default, how its text (trimmed; empty counts as unset) becomes a value, and what it means.
 * A setting whose text does not parse is reported by name with its accepted forms, and takes its default.
 */
export interface Setting<T> {
  readonly default: T;
  readonly parse: (text: string) => Parsed<T>;
  readonly meaning: string;
  /** Set for a required setting: completes "<NAME> is required: …". */
  readonly required?: string;
}

const MiB = 1024 * 1024;
export const DEFAULT_SCOPE = 'https://cognitiveservices.azure.com/.default';
const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const CONTAINER_FORM =
  '3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit';
const ENDPOINT_EXAMPLE =
  'https://<resource>.services.ai.azure.com/models or ' +
  'https://<resource>.openai.azure.com/openai/deployments/<deployment>';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });
const got = (text: string): string => `got "${text.slice(0, 80)}"`;

function text(fallback: string, meaning: string): Setting<string> {
  return { default: fallback, parse: ok, meaning };
}

/** JSON text, parsed (what it holds is validated in `loadConfig`). */
function json(meaning: string): Setting<unknown> {
  return {
    default: undefined,
    parse: (value) => {
      try {
        return ok(JSON.parse(value) as unknown);
      } catch (error) {
        return fail(
          `must be JSON: ${error instanceof Error ? error.message.slice(0, 120) : 'it does not parse'}`,
        );
      }
    },
    meaning,
  };
}

/** Never echoed in a problem: it parses whatever it holds (API keys are read this way). */
function optionalText(meaning: string): Setting<string | undefined> {
  return { default: undefined, parse: ok, meaning };
}

function matching(fallback: string, pattern: RegExp, what: string, meaning: string): Setting<string> {
  return {
    default: fallback,
    parse: (value) => (pattern.test(value) ? ok(value) : fail(`must be ${what}, ${got(value)}`)),
    meaning,
  };
}

function optionalMatching(pattern: RegExp, what: string, meaning: string): Setting<string | undefined> {
  return {
    default: undefined,
    parse: (value) => (pattern.test(value) ? ok(value) : fail(`must be ${what}, ${got(value)}`)),
    meaning,
  };
}

function oneOf<T extends string>(fallback: T, allowed: readonly T[], meaning: string): Setting<T> {
  return {
    default: fallback,
    parse: (value) => {
      const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
      return found === undefined ? fail(`must be one of ${allowed.join(', ')}, ${got(value)}`) : ok(found);
    },
    meaning,
  };
}

function boolean(fallback: boolean, meaning: string): Setting<boolean> {
  return {
    default: fallback,
    parse: (value) => {
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? ok(lower === 'true')
        : fail(`must be true or false, ${got(lower)}`);
    },
    meaning,
  };
}

function parseInteger(min: number, max: number): (value: string) => Parsed<number> {
  return (value) => {
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    return Number.isSafeInteger(parsed) && parsed >= min && parsed <= max
      ? ok(parsed)
      : fail(`must be an integer from ${min} to ${max}, ${got(value)}`);
  };
}

function integer(fallback: number, min: number, max: number, meaning: string): Setting<number> {
  return { default: fallback, parse: parseInteger(min, max), meaning };
}

/** An integer whose default depends on another setting (applied in `loadConfig`). */
function optionalInteger(min: number, max: number, meaning: string): Setting<number | undefined> {
  return { default: undefined, parse: parseInteger(min, max), meaning };
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A comma list (default applied in `loadConfig`). */
function list(meaning: string): Setting<readonly string[] | undefined> {
  return { default: undefined, parse: (value) => ok(commaList(value)), meaning };
}

/**
 * Containers callers may read (default: the input container, applied in `loadConfig`, which also refuses the
 * output container): never `azure-webjobs-*` or `$`-prefixed ones.
 */
function readableContainers(meaning: string): Setting<readonly string[] | undefined> {
  return {
    default: undefined,
    parse: (value) => {
      const items = commaList(value);
      for (const item of items) {
        const problem = containerAccessProblem(item, '');
        if (problem !== undefined) return fail(`must not list "${item.slice(0, 80)}": it ${problem}`);
      }
      return items.length > 0 && items.every((item) => CONTAINER_NAME.test(item))
        ? ok(items)
        : fail(`must be comma-separated container names, ${got(value)}`);
    },
    meaning,
  };
}

function httpUrlProblem(value: string, example: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `must be an absolute http(s) URL, e.g. ${example}`;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:'
    ? undefined
    : `must be an absolute http(s) URL, e.g. ${example}`;
}

function requiredUrl(example: string, meaning: string): Setting<string> {
  return {
    default: '',
    parse: (value) => {
      const problem = httpUrlProblem(value, example);
      return problem === undefined ? ok(value.replace(/\/+$/, '')) : fail(problem);
    },
    meaning,
    required: `an absolute http(s) URL, e.g. ${example}`,
  };
}

const containerName = (fallback: string, meaning: string): Setting<string> =>
  matching(fallback, CONTAINER_NAME, `a container name (${CONTAINER_FORM})`, meaning);

/**
 * Every app setting this project reads, except the storage connection (`MediaStorage`, read the host's way for a
 * connection prefix by `storageConnection`). A new setting is added here, in `local.settings.sample.json` and in
 * the README's configuration table (test/config.test.ts checks the three agree); `loadConfig` places it.
 */
export const SETTINGS = {
  // Where inputs come from and results go.
  MEDIA_INPUT_CONTAINER: containerName('media-in', 'Container whose blobs are processed'),
  MEDIA_OUTPUT_CONTAINER: containerName('media-out', 'Container for result and error documents'),
  MEDIA_BLOB_TRIGGER_SOURCE: oneOf<BlobTriggerSource>(
    'EventGrid',
    ['EventGrid', 'LogsAndContainerScan'],
    'How the blob trigger learns of new blobs',
  ),

  // The model.
  AZURE_INFERENCE_ENDPOINT: requiredUrl(ENDPOINT_EXAMPLE, 'Model inference endpoint'),
  AZURE_INFERENCE_CREDENTIAL: optionalText('API key; unset means Entra ID'),
  AZURE_INFERENCE_SCOPE: text(DEFAULT_SCOPE, 'Entra ID token scope'),
  AZURE_CLIENT_ID: optionalText('Client id of a user-assigned managed identity'),
  AZURE_INFERENCE_MODEL: optionalText('Sent as `model`'),
  AZURE_INFERENCE_AUDIO_MODEL: optionalText('Sent as `model` with audio (default: AZURE_INFERENCE_MODEL)'),
  AZURE_INFERENCE_API_VERSION: optionalMatching(
    /^\d{4}-\d{2}-\d{2}(-preview)?$/,
    'YYYY-MM-DD[-preview]',
    'api-version sent; unset picks one per media kind',
  ),
  MEDIA_ALLOWED_MODELS: list('Models a per-file `model` override may name (default: the configured models)'),

  // Analyzers: per-folder prompts, models and structured outputs.
  MEDIA_ANALYZERS: json('Analyzers as inline JSON (wins over the file; see schemas/analyzers.schema.json)'),
  MEDIA_ANALYZERS_FILE: optionalText(
    'Analyzers file, relative to the app root (default: analyzers.json there, when it exists)',
  ),

  // The pipeline: prompts, limits, media handling, retries.
  MEDIA_SYSTEM_PROMPT: text(
    'You are a helpful assistant. Describe what you are given accurately and concisely.',
    'System message',
  ),
  MEDIA_IMAGE_PROMPT: text('Describe this image.', 'User text sent with an image'),
  MEDIA_AUDIO_PROMPT: text(
    'Transcribe this audio, then summarize it in one sentence.',
    'User text sent with audio',
  ),
  MEDIA_IMAGE_DETAIL: oneOf<ImageDetail>('auto', ['auto', 'low', 'high'], 'image_url.detail'),
  MEDIA_MAX_TOKENS: integer(1024, 1, 1_000_000, 'Completion token limit sent'),
  MEDIA_MAX_TOKENS_PARAMETER: oneOf<TokenLimitSetting>(
    'auto',
    ['auto', 'max_tokens', 'max_completion_tokens'],
    'The field the token limit is sent as',
  ),
  MEDIA_MAX_TOKENS_CAP: optionalInteger(
    1,
    1_000_000,
    'Cap on a per-file max_tokens override (default: 4096, at least MEDIA_MAX_TOKENS)',
  ),
  MEDIA_MAX_PROMPT_CHARS: integer(4000, 1, 100_000, 'Cap on a per-file prompt, in code points'),
  MEDIA_MAX_BYTES: integer(20 * MiB, 1, 100 * MiB, 'Larger inputs fail with too_large before download'),
  MEDIA_MAX_IMAGES_PER_REQUEST: integer(1, 1, 50, "The model's images-per-request limit"),
  MEDIA_DOWNSCALE: boolean(true, 'Scale images down to what the model uses'),
  MEDIA_AUDIO_COMPACT: boolean(false, 'Resample WAV above 24 kHz to 24 kHz'),
  MEDIA_ANIMATED_IMAGES: oneOf<AnimatedImagePolicy>(
    'first-frame',
    ['first-frame', 'reject'],
    'Send an animated image as its first frame, or refuse it',
  ),
  // Sized for a 2,048 MB Flex Consumption instance: what is left holds the runtime and one request body.
  MEDIA_DECODE_MEMORY_MB: integer(1536, 64, 65_536, 'Memory image decoding may hold at once, in MB'),
  MEDIA_DECODE_CONCURRENCY: integer(4, 1, 64, 'Most small image decodes at once'),
  MEDIA_RETRY_MAX_ATTEMPTS: integer(6, 1, 20, 'Model attempts per input'),
  MEDIA_RETRY_BASE_DELAY_MS: integer(1000, 0, 60_000, 'First retry delay (exponential backoff with jitter)'),
  MEDIA_RETRY_MAX_DELAY_MS: integer(30_000, 0, 600_000, 'Longest retry delay'),
  MEDIA_ATTEMPT_TIMEOUT_MS: integer(120_000, 100, 600_000, 'Per-attempt timeout'),
  MEDIA_RETRY_BUDGET_MS: integer(240_000, 100, 1_800_000, 'Total model time per input'),
  MEDIA_CONFIGURATION_BACKOFF_MS: integer(
    30_000,
    0,
    3_600_000,
    'After a configuration fault, no model call for this long in the process',
  ),
  // With the default budget a claim lives 5 minutes, the default functionTimeout: no run outlives it.
  MEDIA_CLAIM_MARGIN_MS: integer(60_000, 0, 3_600_000, 'A claim lives MEDIA_RETRY_BUDGET_MS plus this'),

  // POST /api/completions.
  MEDIA_HTTP_ALLOW_URLS: boolean(false, 'Accept image URLs (passed to the model, never fetched)'),
  MEDIA_HTTP_BLOB_CONTAINERS: readableContainers('The only containers `{"blob": …}` may read from'),
  MEDIA_HTTP_MAX_PARTS: integer(16, 2, 100, 'Most parts in a multipart body'),
  // The host cuts HTTP responses at 230 s; reading, saving and answering need the rest.
  MEDIA_HTTP_TIME_BUDGET_MS: integer(180_000, 1000, 220_000, 'Model time per HTTP request'),

  // Batches.
  MEDIA_BATCH_QUEUE: matching(
    'media-batch',
    CONTAINER_NAME,
    `a queue name (${CONTAINER_FORM})`,
    'Item queue; the others add -plan, -finalize, -poison',
  ),
  MEDIA_BATCH_PAGE_SIZE: integer(
    1000,
    1,
    5000,
    'Blobs or manifest lines per planner invocation, item documents per finalizer invocation',
  ),
  MEDIA_BATCH_COUNTER_SHARDS: integer(16, 1, 256, 'Counter blobs per batch'),
  MEDIA_BATCH_MAX_DEQUEUE_COUNT: integer(5, 1, 100, "Equal to host.json's queues maxDequeueCount"),
  MEDIA_BATCH_CONTAINERS: readableContainers('The only containers a batch may name'),
} satisfies Record<string, Setting<unknown>>;

type SettingValues = { [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['default'] };

/**
 * Reads and validates every app setting once. The only reader of `process.env` in the project: everything else
 * receives an AppConfig. Throws `invalid_config` listing every bad or missing setting by name.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): AppConfig {
  const problems = new Problems();
  const s = readSettings(env, problems);
  if (s.MEDIA_INPUT_CONTAINER === s.MEDIA_OUTPUT_CONTAINER) {
    problems.add(
      'MEDIA_OUTPUT_CONTAINER',
      'must differ from MEDIA_INPUT_CONTAINER (results would trigger the function)',
    );
  }
  const maxTokensCap = s.MEDIA_MAX_TOKENS_CAP ?? Math.max(4096, s.MEDIA_MAX_TOKENS);
  if (maxTokensCap < s.MEDIA_MAX_TOKENS)
    problems.add('MEDIA_MAX_TOKENS_CAP', 'must be at least MEDIA_MAX_TOKENS');
  const readable = (name: 'MEDIA_HTTP_BLOB_CONTAINERS' | 'MEDIA_BATCH_CONTAINERS'): readonly string[] => {
    if (s[name]?.includes(s.MEDIA_OUTPUT_CONTAINER) === true) {
      problems.add(name, `must not list "${s.MEDIA_OUTPUT_CONTAINER}": it is the output container`);
    }
    return s[name] ?? [s.MEDIA_INPUT_CONTAINER];
  };
  const defaultModel = s.AZURE_INFERENCE_MODEL;
  const audioModel = s.AZURE_INFERENCE_AUDIO_MODEL ?? defaultModel;
  const configuredModels = [...new Set([defaultModel, audioModel])].filter(
    (name): name is string => name !== undefined,
  );
  const config: AppConfig = {
    storage: storageConnection(env, problems),
    inference: {
      endpoint: s.AZURE_INFERENCE_ENDPOINT,
      key: s.AZURE_INFERENCE_CREDENTIAL,
      scope: s.AZURE_INFERENCE_SCOPE,
      clientId: s.AZURE_CLIENT_ID,
    },
    pipeline: {
      inputContainer: s.MEDIA_INPUT_CONTAINER,
      outputContainer: s.MEDIA_OUTPUT_CONTAINER,
      defaultModel,
      audioModel,
      allowedModels: s.MEDIA_ALLOWED_MODELS ?? configuredModels,
      analyzers: readAnalyzers(
        s.MEDIA_ANALYZERS,
        s.MEDIA_ANALYZERS_FILE,
        options.appRoot ?? APP_ROOT,
        problems,
      ),
      apiVersion: s.AZURE_INFERENCE_API_VERSION,
      systemPrompt: s.MEDIA_SYSTEM_PROMPT,
      imagePrompt: s.MEDIA_IMAGE_PROMPT,
      audioPrompt: s.MEDIA_AUDIO_PROMPT,
      imageDetail: s.MEDIA_IMAGE_DETAIL,
      maxTokens: s.MEDIA_MAX_TOKENS,
      maxTokensParameter: s.MEDIA_MAX_TOKENS_PARAMETER,
      maxTokensCap,
      maxPromptChars: s.MEDIA_MAX_PROMPT_CHARS,
      maxBytes: s.MEDIA_MAX_BYTES,
      maxImagesPerRequest: s.MEDIA_MAX_IMAGES_PER_REQUEST,
      downscaleImages: s.MEDIA_DOWNSCALE,
      compactAudio: s.MEDIA_AUDIO_COMPACT,
      animatedImages: s.MEDIA_ANIMATED_IMAGES,
      imageDecode: {
        memoryBytes: s.MEDIA_DECODE_MEMORY_MB * MiB,
        concurrency: s.MEDIA_DECODE_CONCURRENCY,
      },
      retry: {
        maxAttempts: s.MEDIA_RETRY_MAX_ATTEMPTS,
        baseDelayMs: s.MEDIA_RETRY_BASE_DELAY_MS,
        maxDelayMs: s.MEDIA_RETRY_MAX_DELAY_MS,
        attemptTimeoutMs: s.MEDIA_ATTEMPT_TIMEOUT_MS,
        totalBudgetMs: s.MEDIA_RETRY_BUDGET_MS,
        configurationBackoffMs: s.MEDIA_CONFIGURATION_BACKOFF_MS,
      },
      claimMarginMs: s.MEDIA_CLAIM_MARGIN_MS,
    },
    blobTriggerSource: s.MEDIA_BLOB_TRIGGER_SOURCE,
    batch: {
      queues: resolveBatchQueues(s.MEDIA_BATCH_QUEUE),
      planPageSize: s.MEDIA_BATCH_PAGE_SIZE,
      counterShards: s.MEDIA_BATCH_COUNTER_SHARDS,
      maxDequeueCount: s.MEDIA_BATCH_MAX_DEQUEUE_COUNT,
      containers: readable('MEDIA_BATCH_CONTAINERS'),
    },
    http: {
      allowImageUrls: s.MEDIA_HTTP_ALLOW_URLS,
      blobContainers: readable('MEDIA_HTTP_BLOB_CONTAINERS'),
      maxParts: s.MEDIA_HTTP_MAX_PARTS,
      timeBudgetMs: s.MEDIA_HTTP_TIME_BUDGET_MS,
    },
  };
  problems.throwIfAny();
  return config;
}

export interface LoadConfigOptions {
  /** Where `analyzers.json` and relative `MEDIA_ANALYZERS_FILE` paths are looked up; default: the app root. */
  appRoot?: string;
}

/** The folder of `host.json` and `package.json`: the parent of `src/` (ts-node, tests) or of `dist/`. */
const APP_ROOT = path.resolve(__dirname, '..');

/**
 * `MEDIA_ANALYZERS` (already parsed JSON), else the file `MEDIA_ANALYZERS_FILE` names, else `analyzers.json` at
 * the app root when it exists; validated with `schemas/analyzers.schema.json`. A problem names the setting (or
 * the file) and the JSON path: `MEDIA_ANALYZERS $.analyzers.receipts.max_tokens must be integer`.
 */
function readAnalyzers(
  inline: unknown,
  file: string | undefined,
  appRoot: string,
  problems: Problems,
): Analyzers | undefined {
  let value = inline;
  let source = 'MEDIA_ANALYZERS';
  if (value === undefined) {
    const named = file === undefined ? undefined : path.resolve(appRoot, file);
    const found = named ?? path.join(appRoot, 'analyzers.json');
    if (named === undefined && !existsSync(found)) return undefined;
    source = named === undefined ? found : `MEDIA_ANALYZERS_FILE (${found})`;
    try {
      value = JSON.parse(readFileSync(found, 'utf8')) as unknown;
    } catch (error) {
      const why =
        error instanceof SyntaxError ? `is not JSON: ${error.message.slice(0, 120)}` : 'cannot be read';
      problems.add(source, why);
      return undefined;
    }
  }
  const schema = JSON.parse(
    readFileSync(path.join(APP_ROOT, 'schemas', 'analyzers.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  const parsed = parseAnalyzers(value, schema);
  if (parsed.ok) return parsed.analyzers;
  problems.add(source, `${parsed.path} ${parsed.problem}`);
  return undefined;
}

function readSettings(env: Env, problems: Problems): SettingValues {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const value = settingText(env, name);
    if (value === undefined) {
      if (setting.required !== undefined) problems.add(name, `is required: ${setting.required}`);
      values[name] = setting.default;
      continue;
    }
    const parsed = setting.parse(value);
    if (!parsed.ok) problems.add(name, parsed.problem);
    values[name] = parsed.ok ? parsed.value : setting.default;
  }
  // Every key of SETTINGS was read above with its own setting's parser.
  return values as SettingValues;
}

function settingText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

class Problems {
  private readonly problems: string[] = [];

  add(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new MediaCompletionsError(
        'invalid_config',
        `Invalid configuration: ${this.problems.join('; ')}.`,
      );
    }
  }
}

/** The storage connection prefixes, in the order they are tried (`AzureWebJobsStorage` is the host's own). */
export const STORAGE_PREFIXES = ['MediaStorage', 'AzureWebJobsStorage'] as const;

const SERVICE_URL_EXAMPLES = {
  blob: 'https://<account>.blob.core.windows.net',
  queue: 'https://<account>.queue.core.windows.net',
} as const;

/**
 * `MediaStorage` (connection string or `MediaStorage__*` identity settings), else `AzureWebJobsStorage`: the
 * host's convention for a connection prefix, so the blob trigger and this code read the same account.
 */
function storageConnection(env: Env, problems: Problems): StorageConnection {
  for (const prefix of STORAGE_PREFIXES) {
    const connectionString = settingText(env, prefix);
    if (connectionString !== undefined) {
      // Never echo it: a connection string can hold an account key or SAS token.
      if (!isConnectionString(connectionString)) {
        problems.add(
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
    const account = settingText(env, `${prefix}__accountName`);
    const blob =
      settingText(env, `${prefix}__blobServiceUri`) ??
      (account && `https://${account}.blob.core.windows.net`);
    if (blob === undefined) continue;
    const queue =
      settingText(env, `${prefix}__queueServiceUri`) ??
      (account && `https://${account}.queue.core.windows.net`);
    if (queue === undefined) {
      problems.add(`${prefix}__queueServiceUri`, 'is required with an identity-based connection');
    }
    const credential = settingText(env, `${prefix}__credential`);
    if (credential !== undefined && credential.toLowerCase() !== 'managedidentity') {
      problems.add(`${prefix}__credential`, 'must be "managedidentity" when set');
    }
    const serviceUri = (kind: 'blob' | 'queue', value: string): string => {
      const problem = httpUrlProblem(value, SERVICE_URL_EXAMPLES[kind]);
      if (problem !== undefined) problems.add(`${prefix}__${kind}ServiceUri`, problem);
      return value.replace(/\/+$/, '');
    };
    return {
      kind: 'identity',
      setting: prefix,
      blobServiceUri: serviceUri('blob', blob),
      queueServiceUri: queue === undefined ? '' : serviceUri('queue', queue),
      credential: credential === undefined ? undefined : 'managedidentity',
      clientId: settingText(env, `${prefix}__clientId`),
    };
  }
  problems.add(
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
