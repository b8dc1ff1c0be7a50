/** What a streamed completion yields: text deltas in order, then one `done` with the totals. */
export type CompletionStreamEvent =
  | { type: 'delta'; content: string }
  | {
      type: 'done';
      /** The model that answered, as the service reports it. */
      model: string | null;
      finishReason: string | null;
      /** The service's usage object, verbatim; `null` when the service sent none. */
      usage: unknown;
    };
