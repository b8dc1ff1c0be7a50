/** Which containers a caller may name, and the one that is never readable. */
export interface BlobAccessOptions {
  /** `MEDIA_HTTP_BLOB_CONTAINERS` or `MEDIA_BATCH_CONTAINERS`. */
  allowed: readonly string[];
  outputContainer: string;
}
