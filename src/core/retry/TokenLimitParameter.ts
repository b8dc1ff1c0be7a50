/** The request field that carries the completion token limit: older models take one, newer ones the other. */
export type TokenLimitName = 'max_tokens' | 'max_completion_tokens';

/** `MEDIA_MAX_TOKENS_PARAMETER`: a fixed name, or `auto` to learn it from the model's answer. */
export type TokenLimitSetting = 'auto' | TokenLimitName;

/**
 * Which name to send the token limit under. Newer models (o-series and later) refuse `max_tokens` with 400
 * `unsupported_parameter` and want `max_completion_tokens`, while older deployments know only `max_tokens`.
 * With `auto`, the first such refusal switches the name for the rest of the process (one per process, shared by
 * every invocation), and the refused call is sent again under the new name.
 */
export class TokenLimitParameter {
  private current: TokenLimitName;

  constructor(readonly setting: TokenLimitSetting) {
    this.current = setting === 'auto' ? 'max_tokens' : setting;
  }

  get name(): TokenLimitName {
    return this.current;
  }

  /**
   * The model refused `refused` as an unsupported parameter. Returns true when the name switched (only with
   * `auto`, and only if `refused` is the name we send): the caller sends the request again.
   */
  learn(refused: string | undefined): boolean {
    if (this.setting !== 'auto' || refused !== this.current) return false;
    this.current = this.current === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
    return true;
  }
}
