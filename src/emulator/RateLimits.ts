import { tooManyRequests } from './serviceErrors';
import type { TokenBucket } from './TokenBucket';

/** Reported in the remaining-quota headers when no limit is set: what a 1M TPM deployment would show. */
const UNLIMITED_REQUESTS = 6000;
const UNLIMITED_TOKENS = 1_000_000;

/** A deployment's requests-per-minute and tokens-per-minute limits; either may be unset (unlimited). */
export class RateLimits {
  constructor(
    private readonly rpm: TokenBucket | undefined,
    private readonly tpm: TokenBucket | undefined,
  ) {}

  /**
   * Takes one request and `tokens` tokens, or throws a 429 {@link ServiceResponseError} carrying the wait and
   * takes nothing (a request refused for tokens gives its request back).
   */
  charge(tokens: number): void {
    const requestWait = this.rpm?.take(1) ?? 0;
    if (requestWait > 0) throw tooManyRequests(requestWait);
    const tokenWait = this.tpm?.take(tokens) ?? 0;
    if (tokenWait > 0) {
      this.rpm?.giveBack(1);
      throw tooManyRequests(tokenWait);
    }
  }

  /** Azure's `x-ratelimit-remaining-requests` / `-tokens` headers. */
  headers(): Record<string, string> {
    return {
      'x-ratelimit-remaining-requests': String(this.rpm?.remaining() ?? UNLIMITED_REQUESTS),
      'x-ratelimit-remaining-tokens': String(this.tpm?.remaining() ?? UNLIMITED_TOKENS),
    };
  }
}
