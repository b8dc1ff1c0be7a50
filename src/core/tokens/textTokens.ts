/** The rule of thumb of about one token per four characters; no tokenizer ships with the service SDK. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
