import type { CompletionOverrides } from '../completion/CompletionOverrides';

/** A validated request to create a batch (from `POST /api/batches` or the CLI). */
export interface BatchRequest {
  source:
    | { kind: 'container'; container: string; prefix?: string }
    | { kind: 'manifest'; container: string; name: string };
  overrides: CompletionOverrides;
  /** An analyzer for every item (a manifest line's or a blob's metadata `analyzer` wins); checked to exist. */
  analyzer?: string;
  /** Start a new batch even when an identical request already created one. */
  force: boolean;
}
