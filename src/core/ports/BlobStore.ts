/** What the pipeline needs to know about a blob before it reads its bytes. */
export interface BlobProperties {
  etag: string;
  contentType: string | undefined;
  size: number;
  metadata: Record<string, string>;
}

/** A JSON blob together with the ETag it was read at, so that a later write can be conditional on it. */
export interface JsonBlob {
  value: unknown;
  etag: string;
}

/**
 * The condition of a write: `{ ifNoneMatch: '*' }` creates only (another writer's document wins),
 * `{ ifMatch }` replaces exactly the version that was read, `undefined` writes unconditionally.
 */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string } | undefined;

/** A conditional write that lost its condition is an expected outcome, not an exception. */
export type WriteResult = { written: true; etag: string } | { written: false };

export interface BlobListItem {
  name: string;
  etag: string;
  size: number;
  contentType: string | undefined;
  /** The blob's metadata, when the listing asked for it (`includeMetadata`). */
  metadata?: Record<string, string>;
}

export interface BlobListPage {
  items: BlobListItem[];
  /** Present when more items follow; pass it back to get the next page. */
  continuationToken: string | undefined;
}

export interface ListBlobsOptions {
  prefix?: string;
  /** Items per page (the service caps it at 5000). */
  pageSize?: number;
  continuationToken?: string;
  /** Also return each blob's metadata: one listing instead of a read per blob. */
  includeMetadata?: boolean;
}

export interface WriteJsonOptions {
  /** Metadata written with the body in the same request, readable from a listing (`includeMetadata`). */
  metadata?: Record<string, string>;
}

export interface DownloadOptions {
  /** Download only this version; a newer one makes the download fail with `source_changed`. */
  ifMatch?: string;
}

export interface ReadBlobOptions {
  /** Read only this version; a newer one makes the read fail with `source_changed`. */
  ifMatch?: string;
  /** Over this many bytes the content is not read (`content` is `undefined`); the properties still are. */
  maxBytes?: number;
}

/** A blob's properties and content from one read (Get Blob answers both). */
export interface StoredBlob {
  properties: BlobProperties;
  /** `undefined` when the blob is larger than `maxBytes`. */
  content: Uint8Array | undefined;
}

export interface UploadOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * Blob storage as the pipeline uses it. Implementations throw MediaCompletionsError: `source_not_found` or
 * `source_changed` (not retryable) for the source blob, `storage_error` (retryable) for transport failures.
 */
export interface BlobStore {
  /** `undefined` when the blob does not exist. */
  getProperties(container: string, name: string): Promise<BlobProperties | undefined>;
  download(container: string, name: string, options?: DownloadOptions): Promise<Uint8Array>;
  /**
   * Properties and content in one round trip (instead of a HEAD then a GET); `undefined` when the blob does not
   * exist. Throws `source_changed` when `ifMatch` no longer matches.
   */
  readBlob(container: string, name: string, options?: ReadBlobOptions): Promise<StoredBlob | undefined>;
  upload(
    container: string,
    name: string,
    data: Uint8Array,
    options?: UploadOptions,
  ): Promise<{ etag: string }>;
  /** `undefined` when the blob does not exist; throws `invalid_document` when it is not JSON. */
  readJson(container: string, name: string): Promise<JsonBlob | undefined>;
  writeJson(
    container: string,
    name: string,
    value: unknown,
    condition: WriteCondition,
    options?: WriteJsonOptions,
  ): Promise<WriteResult>;
  /** True when a blob was deleted; `ifMatch` deletes only that version. */
  deleteIfExists(container: string, name: string, options?: { ifMatch?: string }): Promise<boolean>;
  listPage(container: string, options?: ListBlobsOptions): Promise<BlobListPage>;
  createContainerIfNotExists(container: string): Promise<void>;
}
