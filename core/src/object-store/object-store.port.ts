// The object store: where a repository's bytes live. One adapter per kind of
// data connection — the local filesystem (the embedded default) and S3 or any
// S3-compatible store — and one contract suite (object-store.contract.ts) that
// both pass against real backends.
//
// An ObjectStore is always scoped: its keys are relative to one repository's
// prefix inside its connection, so that no key can name anything outside it.
// Keys are checked with checkObjectKey before they reach an adapter.
import type { Readable, Writable } from 'node:stream';

export interface ObjectInfo {
  /** Relative to the store's scope, e.g. `scenes/2024/a.tif`. */
  key: string;
  size: number;
  /** Quoted, as in HTTP and S3 (`"…"`); changes whenever the bytes do. */
  etag: string;
  lastModified: Date;
  /** The type the object was stored with, when the backend keeps one. */
  contentType?: string;
}

/** Inclusive byte positions, as in an HTTP Range: `bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectBody {
  info: ObjectInfo;
  /** The whole object, or exactly the bytes of `range`; streamed, never buffered whole. */
  body: Readable;
  range?: ByteRange;
  /**
   * Where a backend can send its bytes more cheaply than through `body`: writes
   * them into `destination` and ends it, with backpressure and constant memory.
   * Use either this or `body`, not both. Rejects without ending the destination
   * when it closes early (code ERR_STREAM_PREMATURE_CLOSE) or the source fails;
   * the source is released either way.
   */
  writeTo?(destination: Writable): Promise<void>;
}

export interface ListOptions {
  prefix?: string;
  /** Groups keys that contain it after the prefix into commonPrefixes (S3 semantics). */
  delimiter?: string;
  /** Only keys after this one (S3 start-after). */
  startAfter?: string;
  /** From a previous page's nextContinuationToken; opaque to callers. */
  continuationToken?: string;
  /** 1–1000; the default is 1000. */
  maxKeys?: number;
}

export interface ListPage {
  /** In UTF-8 binary key order, as S3 lists them. */
  objects: ObjectInfo[];
  /** Each ends with the delimiter, in the same order, merged with objects for paging. */
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

export interface PutOptions {
  contentType?: string;
  /** Known length of the body, when the caller has it (S3 uses it to avoid a multipart upload). */
  contentLength?: number;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface PartsPage {
  parts: UploadedPart[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

export interface ObjectStore {
  /** What the store is, for logs and errors: `filesystem` or `s3`; never holds credentials. */
  readonly kind: 'filesystem' | 's3';

  head(key: string): Promise<ObjectInfo | undefined>;
  /** undefined when there is no such object. A range must lie within the object (callers check it against head). */
  get(key: string, options?: { range?: ByteRange }): Promise<ObjectBody | undefined>;
  list(options?: ListOptions): Promise<ListPage>;

  /**
   * Stores the stream as `key`, replacing any object there. The object becomes
   * visible only once the whole stream has been read without error; when the
   * stream fails (a client gone, a checksum that did not match) the call rejects
   * and the old object, or none, stays as it was. Memory use does not grow with
   * the object's size.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<ObjectInfo>;
  /** true when an object was there; deleting a missing key is not an error. */
  delete(key: string): Promise<boolean>;
  /** Copies within the store; undefined when the source does not exist. */
  copy(sourceKey: string, targetKey: string): Promise<ObjectInfo | undefined>;

  /** Multipart uploads (S3 semantics): parts are invisible until completed. */
  createMultipartUpload(key: string, options?: PutOptions): Promise<string>;
  /** Rejects with NotFoundError for an unknown upload id. */
  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength?: number): Promise<UploadedPart>;
  listParts(key: string, uploadId: string, options?: { partNumberMarker?: number; maxParts?: number }): Promise<PartsPage>;
  /**
   * Joins the named parts, in order, into the object. Rejects with ValidationError
   * when a part is missing or its ETag differs, or parts are out of order;
   * NotFoundError for an unknown upload id.
   */
  completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<ObjectInfo>;
  /** Forgets the upload and its parts; NotFoundError for an unknown upload id. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}
