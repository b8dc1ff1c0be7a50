import type { FaultKind } from './FaultKind';
import type { ModelProfile } from './modelProfiles';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the emulator accepts any data and should not listen beyond the machine by accident. */
  host?: string;
  /** When set, only `api-key: <key>` or `Authorization: Bearer <key>` (or an Entra token, see below) pass. */
  key?: string;
  /** Serve TLS with a self-signed certificate for 127.0.0.1 and localhost, generated at start. */
  https?: boolean;
  /**
   * The audience a Bearer JWT must carry (`aud`), e.g. `https://cognitiveservices.azure.com`; a scope such as
   * `https://cognitiveservices.azure.com/.default` is accepted too. Unset: any token passes.
   */
  expectedAudience?: string;
  /**
   * Deployment names `/openai/deployments/<name>/...` serves; others get 404 `DeploymentNotFound`. Unset: any.
   */
  deployments?: readonly string[];
  /**
   * Keys that authenticate but lack the role (`Cognitive Services User`): requests with them get 403
   * `PermissionDenied`, as an identity does until its role assignment has propagated.
   */
  keysWithoutRole?: readonly string[];
  /** `api-version` values served; others get 400 "API version not supported". Unset: any. */
  apiVersions?: readonly string[];
  /** A built-in profile name (see MODEL_PROFILES) or a custom profile. Default `multimodal`. */
  model?: string | ModelProfile;
  /** Added before every chat completion answer: a fixed delay or a `[min, max]` range (uniform, seeded). */
  latencyMs?: number | readonly [number, number];
  /** Tokens per minute (prompt estimate + max_tokens, charged on arrival). Unset: unlimited. */
  tpm?: number;
  /** Requests per minute. Unset: unlimited. */
  rpm?: number;
  /** Faults served to successive chat completion requests, in order; afterwards requests are answered normally. */
  faults?: readonly FaultKind[];
  /** Probability (0-1) that a request after the `faults` sequence gets a random fault from `faultKinds`. */
  faultRate?: number;
  /** Default: 429 and 503. */
  faultKinds?: readonly FaultKind[];
  /** Seeds the random faults and latency so that a run can be repeated. Default 1. */
  seed?: number;
  /** What `429` and `503` faults ask the client to wait (`retry-after-ms`; `Retry-After` rounds up). Default 1000. */
  faultRetryAfterMs?: number;
  /** One line per request (method, path, status, media summary); never keys, tokens or payloads. */
  log?: (line: string) => void;
}
