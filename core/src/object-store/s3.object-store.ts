// The object store on S3 or any S3-compatible store (MinIO, Ceph, moto…), scoped
// to one prefix of one bucket: every key is the scope's prefix plus a checked
// relative key, and listings strip it again. S3 does the real work — atomic
// puts, ordering, multipart uploads, ETags — so this adapter mostly translates,
// and maps S3's errors onto the port's: absent objects to undefined, unknown
// uploads to NotFoundError, refused completions and ranges to ValidationError.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as connect, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3ServiceException, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError, ValidationError } from '../errors.ts';
import { checkDelimiter, checkMaxKeys, checkObjectKey, checkObjectPrefix, checkStartAfter } from './object-key.ts';
import type {
  ByteRange, ListOptions, ListPage, ObjectBody, ObjectInfo, ObjectStore, PartsPage, PutOptions, UploadedPart,
} from './object-store.port.ts';
import { checkCompletedParts, checkPartNumber, checkPartsPageOptions, MIN_PART_SIZE } from './object-store-rules.ts';

export interface S3ObjectStoreOptions {
  /** Shared by every store on the same connection (repository-store.ts caches it). */
  client: S3Client;
  bucket: string;
  /** The scope inside the bucket: empty (the whole bucket) or ending with `/`. */
  prefix: string;
  /** Where a part of unknown length is spooled to learn its length (S3 needs it before the bytes). */
  stagingDir: string;
}

/**
 * Parts in flight while a put streams: each holds one part in memory, so a put
 * needs (this + 1) × 5 MiB whatever the object's size.
 */
const PUT_QUEUE_SIZE = 2;

const errorName = (error: unknown) => (error instanceof S3ServiceException ? error.name : undefined);
const statusOf = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata?.httpStatusCode : undefined);
const isAbsent = (error: unknown) => errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound' || statusOf(error) === 404;

/** S3's reason, without the request's details: safe to show a client. */
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Fails the stream unless exactly `length` bytes pass: a declared Content-Length must never be left short, or the request would hang. */
function exactly(length: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > length) callback(new ValidationError(`the body is longer than its given length, ${length} bytes`));
      else callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      callback(seen === length ? null : new ValidationError(`the body had ${seen} bytes, but its length was given as ${length}`));
    },
  });
}

/** The body, failing unless it has exactly `length` bytes; a failure of the body itself passes through. */
const withLength = (body: Readable, length: number): Readable => connect(body, exactly(length), () => {});

/** `a/b c.tif` → `a/b%20c.tif`: CopySource is a URL path, each segment encoded. */
const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #staging: string;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix === '' ? '' : checkObjectPrefix(options.prefix, 'scope prefix');
    if (this.#prefix !== '' && !this.#prefix.endsWith('/')) throw new ValidationError('the scope prefix must end with /');
    this.#staging = options.stagingDir;
  }

  #key(key: string, field = 'key'): string {
    return this.#prefix + checkObjectKey(key, field);
  }

  #relative(fullKey: string): string {
    return fullKey.slice(this.#prefix.length);
  }

  #unknownUpload(key: string, uploadId: string): NotFoundError {
    return new NotFoundError(`there is no multipart upload ${JSON.stringify(String(uploadId).slice(0, 64))} for ${JSON.stringify(key)}`);
  }

  /**
   * NotFoundError unless `uploadId` is an upload in progress for exactly this
   * key. Amazon S3 checks that an upload id goes with the key it is sent with;
   * several S3-compatible stores (moto among them) do not, and an upload id is
   * all it would take to write into another repository's upload. So the
   * adapter asks, before every use of an id, which uploads the key has.
   */
  async #checkUpload(key: string, uploadId: string): Promise<void> {
    const fullKey = this.#key(key);
    if (typeof uploadId !== 'string' || uploadId.length === 0 || uploadId.length > 1024 || !/^[\x21-\x7e]+$/.test(uploadId)) {
      throw this.#unknownUpload(key, uploadId);
    }
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await this.client.send(new ListMultipartUploadsCommand({
        Bucket: this.#bucket, Prefix: fullKey, ...(keyMarker !== undefined ? { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker } : {}),
      }));
      const uploads = out.Uploads ?? [];
      if (uploads.some((upload) => upload.Key === fullKey && upload.UploadId === uploadId)) return;
      // Uploads are listed by key, and fullKey is the first key with this prefix.
      if (out.IsTruncated !== true || uploads.some((upload) => upload.Key !== fullKey)) throw this.#unknownUpload(key, uploadId);
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const fullKey = this.#key(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: fullKey }));
      return {
        key, size: out.ContentLength ?? 0, etag: out.ETag ?? '""', lastModified: out.LastModified ?? new Date(0),
        ...(out.ContentType !== undefined ? { contentType: out.ContentType } : {}),
      };
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<ObjectBody | undefined> {
    const fullKey = this.#key(key);
    const { range } = options;
    // S3 ignores a Range it cannot parse and sends the whole object, so a reversed one must not reach it.
    if (range && (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start)) {
      throw new ValidationError(`range ${range.start}-${range.end} is not a byte range`);
    }
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({
        Bucket: this.#bucket, Key: fullKey, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }));
    } catch (error) {
      if (isAbsent(error)) return undefined;
      if (errorName(error) === 'InvalidRange' || statusOf(error) === 416) {
        throw new ValidationError(`range ${range?.start}-${range?.end} does not lie within the object`);
      }
      throw error;
    }
    const body = out.Body as Readable;
    let size = out.ContentLength ?? 0;
    if (range) {
      // S3 shortens a range that runs past the end; the port wants it refused.
      // Some stores answer a range that covers the whole object with all of it and no Content-Range.
      const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? '');
      const whole = !match && range.start === 0 && size === range.end + 1;
      if (match) size = Number(match[3]);
      if (!whole && (!match || Number(match[1]) !== range.start || Number(match[2]) !== range.end)) {
        body.destroy();
        throw new ValidationError(`range ${range.start}-${range.end} does not lie within the object's ${size} bytes`);
      }
    }
    const info: ObjectInfo = {
      key, size, etag: out.ETag ?? '""', lastModified: out.LastModified ?? new Date(0),
      ...(out.ContentType !== undefined ? { contentType: out.ContentType } : {}),
    };
    return { info, body, ...(range ? { range: { start: range.start, end: range.end } } : {}) };
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const prefix = checkObjectPrefix(options.prefix ?? '');
    const delimiter = options.delimiter === undefined ? undefined : checkDelimiter(options.delimiter);
    const maxKeys = checkMaxKeys(options.maxKeys);
    const startAfter = checkStartAfter(options.startAfter ?? '');
    const out = await this.client.send(new ListObjectsV2Command({
      Bucket: this.#bucket,
      Prefix: this.#prefix + prefix,
      MaxKeys: maxKeys,
      ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
      ...(startAfter !== '' ? { StartAfter: this.#prefix + startAfter } : {}),
      ...(options.continuationToken !== undefined ? { ContinuationToken: options.continuationToken } : {}),
    })).catch((error: unknown) => {
      if (errorName(error) === 'InvalidArgument' && options.continuationToken !== undefined) {
        throw new ValidationError('continuationToken is not one this store issued: pass nextContinuationToken from the previous page unchanged');
      }
      throw error;
    });
    const isTruncated = out.IsTruncated === true;
    return {
      objects: (out.Contents ?? []).map((object) => ({
        key: this.#relative(object.Key ?? ''), size: object.Size ?? 0, etag: object.ETag ?? '""', lastModified: object.LastModified ?? new Date(0),
      })),
      commonPrefixes: (out.CommonPrefixes ?? []).map((common) => this.#relative(common.Prefix ?? '')),
      isTruncated,
      ...(isTruncated && out.NextContinuationToken ? { nextContinuationToken: out.NextContinuationToken } : {}),
    };
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const fullKey = this.#key(key);
    // Upload streams a body of any length in parts of partSize, at most
    // queueSize of them in memory; when the body fails, it aborts the multipart
    // upload it started, so nothing becomes visible.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.#bucket, Key: fullKey,
        Body: options.contentLength === undefined ? body : withLength(body, options.contentLength),
        ...(options.contentType !== undefined ? { ContentType: options.contentType } : {}),
      },
      partSize: MIN_PART_SIZE,
      queueSize: PUT_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // A body that fails before Upload reads it would otherwise be an unhandled error.
    body.once('error', () => {});
    await upload.done();
    const info = await this.head(key);
    if (!info) throw new Error(`${fullKey} vanished right after it was written`);
    return info;
  }

  async delete(key: string): Promise<boolean> {
    // S3 deletes a missing key without a word; the port says whether there was one.
    const existed = await this.head(key);
    if (!existed) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
    return true;
  }

  async copy(sourceKey: string, targetKey: string): Promise<ObjectInfo | undefined> {
    const source = this.#key(sourceKey, 'sourceKey');
    const target = this.#key(targetKey, 'targetKey');
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.#bucket, Key: target, CopySource: copySource(this.#bucket, source) }));
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
    return await this.head(targetKey);
  }

  async createMultipartUpload(key: string, options: PutOptions = {}): Promise<string> {
    const out = await this.client.send(new CreateMultipartUploadCommand({
      Bucket: this.#bucket, Key: this.#key(key), ...(options.contentType !== undefined ? { ContentType: options.contentType } : {}),
    }));
    if (!out.UploadId) throw new Error('the S3 store created a multipart upload without an id');
    return out.UploadId;
  }

  /** Runs an upload-scoped command: an unknown upload (or one gone meanwhile) is a NotFoundError. */
  async #forUpload<T>(key: string, uploadId: string, run: () => Promise<T>): Promise<T> {
    await this.#checkUpload(key, uploadId);
    try {
      return await run();
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || statusOf(error) === 404) throw this.#unknownUpload(key, uploadId);
      throw error;
    }
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength?: number): Promise<UploadedPart> {
    const fullKey = this.#key(key);
    checkPartNumber(partNumber);
    if (contentLength !== undefined) return await this.#sendPart(key, fullKey, uploadId, partNumber, withLength(body, contentLength), contentLength);
    // S3 signs a part's length before its bytes; spooling to disk learns it in constant memory.
    await mkdir(this.#staging, { recursive: true });
    const spool = join(this.#staging, `s3-part-${randomUUID()}.tmp`);
    try {
      let size = 0;
      await pipeline(body, async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          yield chunk;
        }
      }, createWriteStream(spool, { flags: 'wx' }));
      return await this.#sendPart(key, fullKey, uploadId, partNumber, createReadStream(spool), size);
    } finally {
      await rm(spool, { force: true });
    }
  }

  async #sendPart(key: string, fullKey: string, uploadId: string, partNumber: number, body: Readable, size: number): Promise<UploadedPart> {
    // The HTTP request pipes the body without watching it: when the body fails
    // (a client gone, a length that was wrong) the request must be aborted, or it
    // would wait for bytes that never come.
    const controller = new AbortController();
    let failure: unknown;
    body.once('error', (error) => {
      failure = error;
      controller.abort();
    });
    let out;
    try {
      out = await this.#forUpload(key, uploadId, () => this.client.send(new UploadPartCommand({
        Bucket: this.#bucket, Key: fullKey, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: size,
      }), { abortSignal: controller.signal }));
    } catch (error) {
      throw failure ?? error;
    }
    if (!out.ETag) throw new Error('the S3 store stored a part without an ETag');
    return { partNumber, etag: out.ETag, size, lastModified: new Date() };
  }

  async listParts(key: string, uploadId: string, options: { partNumberMarker?: number; maxParts?: number } = {}): Promise<PartsPage> {
    const fullKey = this.#key(key);
    const { partNumberMarker, maxParts } = checkPartsPageOptions(options);
    const out = await this.#forUpload(key, uploadId, () => this.client.send(new ListPartsCommand({
      Bucket: this.#bucket, Key: fullKey, UploadId: uploadId, MaxParts: maxParts,
      ...(partNumberMarker > 0 ? { PartNumberMarker: String(partNumberMarker) } : {}),
    })));
    const parts = (out.Parts ?? []).map((part) => ({
      partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '""', size: part.Size ?? 0, lastModified: part.LastModified ?? new Date(0),
    }));
    const isTruncated = out.IsTruncated === true;
    const next = out.NextPartNumberMarker === undefined ? parts.at(-1)?.partNumber : Number(out.NextPartNumberMarker);
    return { parts, isTruncated, ...(isTruncated && next !== undefined ? { nextPartNumberMarker: next } : {}) };
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<ObjectInfo> {
    const fullKey = this.#key(key);
    checkCompletedParts(parts);
    try {
      await this.#forUpload(key, uploadId, () => this.client.send(new CompleteMultipartUploadCommand({
        Bucket: this.#bucket, Key: fullKey, UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      })));
    } catch (error) {
      const name = errorName(error);
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall' || name === 'MalformedXML') {
        throw new ValidationError(`the multipart upload cannot be completed with these parts: ${reason(error)}`);
      }
      throw error;
    }
    const info = await this.head(key);
    if (!info) throw new Error(`${fullKey} vanished right after it was completed`);
    return info;
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const fullKey = this.#key(key);
    await this.#forUpload(key, uploadId, () => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: fullKey, UploadId: uploadId })));
  }
}
