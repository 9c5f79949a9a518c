// S3 writes under /data, path style with the account as the bucket:
//
//   PUT    /{account}/{repository}/{path}                      PutObject (x-amz-copy-source: CopyObject)
//   PUT    /{account}/{repository}/{path}?partNumber&uploadId   UploadPart (UploadPartCopy: NotImplemented)
//   DELETE /{account}/{repository}/{path}                      DeleteObject
//   POST   /{account}?delete                                   DeleteObjects (keys `{repository}/{path}`)
//   POST   /{account}/{repository}/{path}?uploads              CreateMultipartUpload
//   GET    /{account}/{repository}/{path}?uploadId             ListParts
//   POST   /{account}/{repository}/{path}?uploadId             CompleteMultipartUpload
//   DELETE /{account}/{repository}/{path}?uploadId             AbortMultipartUpload
//
// Every one asks the access rule for write_data on the repository and a
// writable connection (data-target.ts, decideDataWrite), ListParts included.
// Bodies stream through upload-body.ts (aws-chunked decoding, signatures,
// checksums) into the store. After a write that changed the repository, a
// repository-changed job is queued for the indexer; never after one that failed.
import { Router, type Request, type Response } from 'express';
import { NotFoundError, ValidationError } from '@meridian/core/errors';
import { publishRepositoryChanged, type RepositoryChange } from '@meridian/core/job-queue/repository-changed.job';
import type { JobQueue } from '@meridian/core/job-queue/job-queue.port';
import { checkObjectKey } from '@meridian/core/object-store/object-key';
import type { Repository } from '@meridian/core/accounts/accounts.types';
import { callerOf } from '../../accounts/authentication.ts';
import { baseUrl } from '../../http/base-url.ts';
import { dataTarget, objectTarget, readBucket, type DataProxyDeps, type DataTarget } from '../data-target.ts';
import { S3Error, toS3Error } from '../s3-error.ts';
import { s3Xml, XML_TYPE, type XmlObject } from '../s3-xml.ts';
import { parseCompleteRequest, parseDeleteRequest } from './s3-request-xml.ts';
import { smallBody, uploadBody } from './upload-body.ts';

export type S3WriteDeps = DataProxyDeps & {
  /** Where repository-changed jobs go (the indexer consumes them). */
  jobs: JobQueue;
};

/** A Delete of 1000 keys of 1024 bytes, or a completion of 10 000 parts, fits. */
const MAX_XML_BODY = 2 * 1024 * 1024;

type ObjectTarget = DataTarget & { key: string };

/** A query parameter given once, as text; undefined when absent. */
function param(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new S3Error('InvalidArgument', `${name} must be given once`, { details: { ArgumentName: name } });
  return value;
}

function integerParam(req: Request, name: string): number | undefined {
  const value = param(req, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new S3Error('InvalidArgument', `${name} must be a whole number`, { details: { ArgumentName: name, ArgumentValue: value.slice(0, 40) } });
  return Number(value);
}

/** The store's "no such upload" is S3's NoSuchUpload; its other refusals map as every domain error does. */
async function onUpload<T>(operation: Promise<T>, uploadId: string): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof NotFoundError) throw new S3Error('NoSuchUpload', undefined, { details: { UploadId: uploadId } });
    throw error;
  }
}

async function publish(deps: S3WriteDeps, req: Request, repository: Repository, changes: RepositoryChange[]): Promise<void> {
  try {
    await publishRepositoryChanged(deps.jobs, { accountId: repository.accountId, repositoryId: repository.repositoryId, changes });
  } catch (error) {
    // The write has happened and is answered as done; the index catches up on the next change or crawl.
    req.log?.error({ err: error, repository: `${repository.accountId}/${repository.repositoryId}` }, 'could not queue repository-changed');
  }
}

/**
 * S3's conditional writes (If-None-Match: * to create only, If-Match to replace
 * only that version) cannot be honoured by the object store port, and ignoring
 * them would break what the client relies on: refused instead.
 */
function refuseConditionalWrite(req: Request): void {
  const header = ['if-match', 'if-none-match'].find((name) => req.get(name) !== undefined);
  if (header) throw new S3Error('NotImplemented', `conditional writes (${header}) are not supported`);
}

const bucketKey = (target: ObjectTarget) => `${target.repository.repositoryId}/${target.key}`;
const isoTime = (date: Date) => date.toISOString();
const contentTypeOf = (req: Request) => req.get('content-type') || undefined;

// ----------------------------------------------------------------- objects

async function putObject(deps: S3WriteDeps, req: Request, res: Response): Promise<void> {
  refuseConditionalWrite(req);
  const target = await objectTarget(deps, req, 'write');
  const body = uploadBody(req, res);
  const info = await body.store(target.store.put(target.key, body.stream, { contentType: contentTypeOf(req), contentLength: body.contentLength }));
  await publish(deps, req, target.repository, [{ key: target.key, kind: 'put' }]);
  res.status(200).set({ ETag: info.etag, ...body.echo() }).end();
}

/** `x-amz-copy-source: [/]{bucket}/{repository}/{path}`, percent-encoded; the key within the target's repository. */
function copySourceKey(target: ObjectTarget, header: string): string {
  const [path, query] = header.split('?');
  if (query !== undefined) throw new S3Error('InvalidArgument', 'versionId is not supported: objects here have no versions', { details: { ArgumentName: 'x-amz-copy-source' } });
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    throw new S3Error('InvalidArgument', 'x-amz-copy-source is not valid percent-encoded UTF-8', { details: { ArgumentName: 'x-amz-copy-source' } });
  }
  const [bucket, repository, ...rest] = decoded.split('/');
  if (bucket !== target.repository.accountId || repository !== target.repository.repositoryId || rest.length === 0) {
    throw new S3Error('InvalidRequest', `CopyObject copies within one repository only: x-amz-copy-source must name an object under ${target.repository.accountId}/${target.repository.repositoryId}/`);
  }
  return checkObjectKey(rest.join('/'), 'x-amz-copy-source');
}

async function copyObject(deps: S3WriteDeps, req: Request, res: Response, source: string): Promise<void> {
  const conditional = Object.keys(req.headers).find((name) => name.startsWith('x-amz-copy-source-if-'));
  if (conditional) throw new S3Error('NotImplemented', `${conditional} is not supported`);
  refuseConditionalWrite(req);
  const target = await objectTarget(deps, req, 'write');
  const sourceKey = copySourceKey(target, source);
  const info = await target.store.copy(sourceKey, target.key);
  if (!info) throw new S3Error('NoSuchKey', undefined, { details: { Key: `${target.repository.repositoryId}/${sourceKey}` } });
  await publish(deps, req, target.repository, [{ key: target.key, kind: 'put' }]);
  res.status(200).type(XML_TYPE).send(s3Xml('CopyObjectResult', { ETag: info.etag, LastModified: isoTime(info.lastModified) }));
}

async function uploadPart(deps: S3WriteDeps, req: Request, res: Response, uploadId: string): Promise<void> {
  const partNumber = integerParam(req, 'partNumber');
  if (partNumber === undefined) throw new S3Error('InvalidArgument', 'UploadPart needs partNumber as well as uploadId', { details: { ArgumentName: 'partNumber' } });
  if (req.get('x-amz-copy-source') !== undefined) throw new S3Error('NotImplemented', 'UploadPartCopy is not supported: upload the part\'s bytes');
  const target = await objectTarget(deps, req, 'write');
  const body = uploadBody(req, res);
  const part = await body.store(onUpload(target.store.uploadPart(target.key, uploadId, partNumber, body.stream, body.contentLength), uploadId));
  res.status(200).set({ ETag: part.etag, ...body.echo() }).end();
}

async function deleteObject(deps: S3WriteDeps, req: Request, res: Response): Promise<void> {
  const target = await objectTarget(deps, req, 'write');
  if (await target.store.delete(target.key)) await publish(deps, req, target.repository, [{ key: target.key, kind: 'delete' }]);
  res.status(204).end();
}

// ----------------------------------------------------------------- multipart

async function createMultipartUpload(deps: S3WriteDeps, req: Request, res: Response): Promise<void> {
  const target = await objectTarget(deps, req, 'write');
  const uploadId = await target.store.createMultipartUpload(target.key, { contentType: contentTypeOf(req) });
  const algorithm = req.get('x-amz-checksum-algorithm');
  res.status(200).type(XML_TYPE);
  if (algorithm) res.set('x-amz-checksum-algorithm', algorithm);
  res.send(s3Xml('InitiateMultipartUploadResult', { Bucket: target.repository.accountId, Key: bucketKey(target), UploadId: uploadId }));
}

async function listParts(deps: S3WriteDeps, req: Request, res: Response, uploadId: string): Promise<void> {
  const target = await objectTarget(deps, req, 'write');
  const partNumberMarker = integerParam(req, 'part-number-marker') ?? 0;
  const maxParts = Math.min(integerParam(req, 'max-parts') ?? 1000, 1000);
  const page = await onUpload(target.store.listParts(target.key, uploadId, { partNumberMarker, maxParts: Math.max(maxParts, 1) }), uploadId);
  const owner = { ID: target.repository.accountId, DisplayName: target.repository.accountId };
  res.status(200).type(XML_TYPE).set('Cache-Control', 'no-store').send(s3Xml('ListPartsResult', {
    Bucket: target.repository.accountId,
    Key: bucketKey(target),
    UploadId: uploadId,
    Initiator: owner,
    Owner: owner,
    StorageClass: 'STANDARD',
    PartNumberMarker: partNumberMarker,
    NextPartNumberMarker: page.nextPartNumberMarker ?? page.parts.at(-1)?.partNumber ?? partNumberMarker,
    MaxParts: maxParts,
    IsTruncated: page.isTruncated,
    Part: page.parts.map((p) => ({ PartNumber: p.partNumber, LastModified: isoTime(p.lastModified), ETag: p.etag, Size: p.size })),
  }));
}

async function completeMultipartUpload(deps: S3WriteDeps, req: Request, res: Response, uploadId: string): Promise<void> {
  refuseConditionalWrite(req);
  const target = await objectTarget(deps, req, 'write');
  const parts = parseCompleteRequest((await smallBody(req, res, MAX_XML_BODY)).text);
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].partNumber <= parts[i - 1].partNumber) throw new S3Error('InvalidPartOrder');
  }
  let info;
  try {
    info = await onUpload(target.store.completeMultipartUpload(target.key, uploadId, parts), uploadId);
  } catch (error) {
    // A part that is missing, replaced or too small: the store says which.
    if (error instanceof ValidationError) throw new S3Error('InvalidPart', error.message);
    throw error;
  }
  await publish(deps, req, target.repository, [{ key: target.key, kind: 'put' }]);
  const location = `${baseUrl(req, deps.config.publicUrl)}${req.baseUrl}/${target.repository.accountId}/${bucketKey(target).split('/').map(encodeURIComponent).join('/')}`;
  res.status(200).type(XML_TYPE).send(s3Xml('CompleteMultipartUploadResult', {
    Location: location, Bucket: target.repository.accountId, Key: bucketKey(target), ETag: info.etag,
  }));
}

async function abortMultipartUpload(deps: S3WriteDeps, req: Request, res: Response, uploadId: string): Promise<void> {
  const target = await objectTarget(deps, req, 'write');
  await onUpload(target.store.abortMultipartUpload(target.key, uploadId), uploadId);
  res.status(204).end();
}

// ----------------------------------------------------------------- DeleteObjects

type DeleteOutcome = { key: string; error?: { code: string; message: string } };

/**
 * POST /{account}?delete. Keys are `{repository}/{path}`, so one request may
 * reach several repositories: each is checked for write access on its own, and
 * a key the caller may not delete — also in a repository it cannot see, or one
 * that does not exist, which must read alike — is a per-key AccessDenied.
 */
async function deleteObjects(deps: S3WriteDeps, req: Request, res: Response): Promise<void> {
  const caller = callerOf(req);
  const account = await readBucket(deps, caller, String(req.params.account));
  const body = await smallBody(req, res, MAX_XML_BODY);
  if (!body.hasChecksum) throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)');
  const { quiet, keys } = parseDeleteRequest(body.text);

  const byRepository = new Map<string, string[]>();
  for (const key of keys) {
    const repository = key.split('/')[0];
    byRepository.set(repository, [...(byRepository.get(repository) ?? []), key]);
  }
  const outcomes: DeleteOutcome[] = [];
  for (const [repositoryId, repositoryKeys] of byRepository) {
    let target: DataTarget;
    try {
      target = await dataTarget(deps, caller, account.id, repositoryId, 'write');
    } catch (error) {
      if (!toS3Error(error)) throw error;
      outcomes.push(...repositoryKeys.map((key) => ({ key, error: { code: 'AccessDenied', message: 'Access Denied' } })));
      continue;
    }
    const changes: RepositoryChange[] = [];
    for (const key of repositoryKeys) {
      const path = key.slice(repositoryId.length + 1);
      try {
        checkObjectKey(path);
      } catch (error) {
        outcomes.push({ key, error: { code: 'InvalidArgument', message: (error as Error).message } });
        continue;
      }
      if (await target.store.delete(path)) changes.push({ key: path, kind: 'delete' });
      outcomes.push({ key });
    }
    await publish(deps, req, target.repository, changes);
  }
  const result: XmlObject = {
    Deleted: outcomes.filter((o) => !o.error && !quiet).map((o) => ({ Key: o.key })),
    Error: outcomes.filter((o) => o.error).map((o) => ({ Key: o.key, Code: o.error?.code, Message: o.error?.message })),
  };
  res.status(200).type(XML_TYPE).send(s3Xml('DeleteResult', result));
}

// ----------------------------------------------------------------- routes

const has = (req: Request, name: string) => req.query[name] !== undefined;

/** The write routes, and ListParts, which must come before the object GET it shares a path with. */
export function s3WriteRoutes(deps: S3WriteDeps): Router {
  const router = Router();
  router.get('/:account/*key', (req, res, next) => {
    const uploadId = param(req, 'uploadId');
    if (uploadId === undefined) {
      next();
      return;
    }
    return listParts(deps, req, res, uploadId);
  });
  router.put('/:account/*key', (req, res) => {
    const uploadId = param(req, 'uploadId');
    if (uploadId !== undefined) return uploadPart(deps, req, res, uploadId);
    if (has(req, 'partNumber')) throw new S3Error('InvalidArgument', 'UploadPart needs uploadId as well as partNumber', { details: { ArgumentName: 'uploadId' } });
    const source = req.get('x-amz-copy-source');
    return source !== undefined ? copyObject(deps, req, res, source) : putObject(deps, req, res);
  });
  router.post('/:account/*key', (req, res) => {
    const uploadId = param(req, 'uploadId');
    if (uploadId !== undefined) return completeMultipartUpload(deps, req, res, uploadId);
    if (has(req, 'uploads')) return createMultipartUpload(deps, req, res);
    throw new S3Error('NotImplemented', 'POST on an object is CreateMultipartUpload (?uploads) or CompleteMultipartUpload (?uploadId); browser form uploads are not supported, use a presigned PUT');
  });
  router.delete('/:account/*key', (req, res) => {
    const uploadId = param(req, 'uploadId');
    return uploadId !== undefined ? abortMultipartUpload(deps, req, res, uploadId) : deleteObject(deps, req, res);
  });
  router.post('/:account', (req, res, next) => (has(req, 'delete') ? deleteObjects(deps, req, res) : next()));
  return router;
}
