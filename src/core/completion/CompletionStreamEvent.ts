/**
 * What a streamed completion yields: text deltas (or refusal deltas, when the model declines) in order, then one
 * `done` with the totals.
 */
export type CompletionStreamEvent =
  | { type: 'delta'; content: string }
  | { type: 'refusal'; refusal: string }
  | {
      type: 'done';
      /** The model that answered, as the service reports it. */
      model: string | null;
      finishReason: string | null;
      /** Categories the content filter flagged in any chunk of the answer; empty when none. */
      filteredCategories: string[];
      /** The service's usage object, verbatim; `null` when the service sent none. */
      usage: unknown;
    };
