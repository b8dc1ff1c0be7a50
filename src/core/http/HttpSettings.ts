/** Limits of the synchronous HTTP function, on top of the pipeline's (built by `src/config.ts`). */
export interface HttpSettings {
  /** `MEDIA_HTTP_ALLOW_URLS`: accept `{"url": "https://…"}` images, passed to the model and never fetched by us. */
  allowImageUrls: boolean;
  /** `MEDIA_HTTP_BLOB_CONTAINERS`: the only containers a `{"blob": "<container>/<name>"}` reference may name. */
  blobContainers: readonly string[];
  /** `MEDIA_HTTP_MAX_PARTS`: most parts (files and fields) a multipart body may have. */
  maxParts: number;
  /** `MEDIA_HTTP_TIME_BUDGET_MS`: model attempts and retry waits end within this, well below the 230 s cut-off. */
  timeBudgetMs: number;
}
