// Requests on a bucket (an account) and on the service: ListObjectsV2
// (`?list-type=2`), ListObjects (V1, which GDAL's /vsis3/ uses), HeadBucket,
// GetBucketLocation and ListBuckets, answered as S3 answers them.
import type { Request, RequestHandler } from 'express';
import type { Caller } from '@meridian/core/access/access-rule';
import type { ObjectInfo } from '@meridian/core/object-store/object-store.port';
import { callerOf } from '../accounts/authentication.ts';
import { listBucket, type BucketListQuery, type BucketPage } from './bucket-listing.ts';
import { readBucket, type DataProxyDeps } from './data-target.ts';
import { S3Error } from './s3-error.ts';
import { s3Xml, XML_TYPE, type XmlObject } from './s3-xml.ts';

const MAX_KEYS = 1000;

/** Bucket sub-resources S3 has and this proxy does not; asking for one is NotImplemented, never a listing. */
const UNSUPPORTED = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'encryption', 'intelligent-tiering', 'inventory', 'lifecycle', 'logging', 'metrics',
  'notification', 'object-lock', 'ownershipControls', 'policy', 'policyStatus', 'publicAccessBlock', 'replication',
  'requestPayment', 'tagging', 'uploads', 'versioning', 'versions', 'website',
]);

/** A query parameter given at most once, as text. */
function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new S3Error('InvalidArgument', `${name} must be given once`, { details: { ArgumentName: name } });
  return value;
}

/** max-keys: an integer; above 1000 is 1000, as S3 does. */
function maxKeysOf(req: Request): number {
  const raw = single(req, 'max-keys');
  if (raw === undefined) return MAX_KEYS;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'max-keys must be an integer from 0 to 2147483647', { details: { ArgumentName: 'max-keys', ArgumentValue: raw } });
  return Math.min(Number(raw), MAX_KEYS);
}

/** With `encoding-type=url` every key-like value goes out percent-encoded, as S3 (and botocore, which asks for it) expects. */
function encoderOf(req: Request): { encode: (value: string) => string; encodingType?: string } {
  const type = single(req, 'encoding-type');
  if (type === undefined) return { encode: (value) => value };
  if (type !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { details: { ArgumentName: 'encoding-type', ArgumentValue: type } });
  return { encode: (value) => encodeURIComponent(value).replaceAll('%2F', '/'), encodingType: 'url' };
}

const isoTime = (date: Date) => date.toISOString();

function entries(page: BucketPage, encode: (value: string) => string): XmlObject {
  return {
    Contents: page.objects.map((o: ObjectInfo) => ({ Key: encode(o.key), LastModified: isoTime(o.lastModified), ETag: o.etag, Size: o.size, StorageClass: 'STANDARD' })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

async function page(deps: DataProxyDeps, caller: Caller, bucket: string, query: BucketListQuery): Promise<BucketPage> {
  const account = await readBucket(deps, caller, bucket);
  if (query.maxKeys === 0) return { objects: [], commonPrefixes: [], isTruncated: false };
  return listBucket(deps, caller, account, query);
}

async function listObjectsV2(deps: DataProxyDeps, req: Request, bucket: string): Promise<string> {
  const { encode, encodingType } = encoderOf(req);
  const prefix = single(req, 'prefix') ?? '';
  const delimiter = single(req, 'delimiter') || undefined;
  const startAfter = single(req, 'start-after') || undefined;
  const continuationToken = single(req, 'continuation-token');
  const maxKeys = maxKeysOf(req);
  if (continuationToken === '') throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { details: { ArgumentName: 'continuation-token' } });
  const result = await page(deps, callerOf(req), bucket, { prefix, delimiter, startAfter, continuationToken, maxKeys });
  return s3Xml('ListBucketResult', {
    Name: bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter && encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: encodingType,
    KeyCount: result.objects.length + result.commonPrefixes.length,
    IsTruncated: result.isTruncated,
    ContinuationToken: continuationToken,
    NextContinuationToken: result.nextContinuationToken,
    StartAfter: startAfter && encode(startAfter),
    ...entries(result, encode),
  });
}

/**
 * V1 pages by marker, a key to list after, and S3 gives NextMarker (with a
 * delimiter) as the last key or common prefix of the page. A marker is
 * start-after: a common prefix that sorts at or before it is not listed again.
 */
async function listObjectsV1(deps: DataProxyDeps, req: Request, bucket: string): Promise<string> {
  const { encode, encodingType } = encoderOf(req);
  const prefix = single(req, 'prefix') ?? '';
  const delimiter = single(req, 'delimiter') || undefined;
  const marker = single(req, 'marker') || undefined;
  const maxKeys = maxKeysOf(req);
  const result = await page(deps, callerOf(req), bucket, { prefix, delimiter, startAfter: marker, maxKeys });
  const last = [...result.objects.map((o) => o.key), ...result.commonPrefixes].sort().at(-1);
  return s3Xml('ListBucketResult', {
    Name: bucket,
    Prefix: encode(prefix),
    Marker: marker === undefined ? '' : encode(marker),
    NextMarker: result.isTruncated && delimiter !== undefined && last !== undefined ? encode(last) : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter && encode(delimiter),
    EncodingType: encodingType,
    IsTruncated: result.isTruncated,
    ...entries(result, encode),
  });
}

/** GET /{bucket}: a listing (V2 with list-type=2, else V1) or the bucket's location. */
export function bucketGet(deps: DataProxyDeps): RequestHandler {
  return async (req, res) => {
    const bucket = String(req.params.account);
    const unsupported = Object.keys(req.query).find((name) => UNSUPPORTED.has(name));
    if (unsupported) throw new S3Error('NotImplemented', `this data proxy does not implement the ?${unsupported} sub-resource`);
    if ('location' in req.query) {
      await readBucket(deps, callerOf(req), bucket);
      // Empty: us-east-1, the region S3 clients should sign for.
      res.type(XML_TYPE).send(s3Xml('LocationConstraint', {}));
      return;
    }
    const listType = single(req, 'list-type');
    if (listType !== undefined && listType !== '2') throw new S3Error('InvalidArgument', 'list-type must be 2 (or absent, for ListObjects V1)', { details: { ArgumentName: 'list-type' } });
    const xml = listType === '2' ? await listObjectsV2(deps, req, bucket) : await listObjectsV1(deps, req, bucket);
    res.type(XML_TYPE).set('Cache-Control', 'no-store').send(xml);
  };
}

/** HEAD /{bucket}: 200 when the caller may see the account, else 404 (no body either way). */
export function bucketHead(deps: DataProxyDeps): RequestHandler {
  return async (req, res) => {
    await readBucket(deps, callerOf(req), String(req.params.account));
    res.status(200).end();
  };
}

/**
 * GET / (ListBuckets): the caller's own account and the organisations it
 * belongs to — the buckets it may write to, as S3 lists the buckets one owns.
 * Anonymous callers own none. Every other account is still readable by name.
 */
export function listBuckets(deps: DataProxyDeps): RequestHandler {
  return async (req, res) => {
    const caller = callerOf(req);
    const buckets: XmlObject[] = [];
    if (caller.kind === 'account') {
      const ids = [caller.accountId, ...[...caller.roles.keys()].filter((resource) => !resource.includes('/'))];
      for (const id of [...new Set(ids)].sort()) {
        const account = await readBucket(deps, caller, id).catch(() => undefined);
        if (account) buckets.push({ Name: account.id, CreationDate: account.createdAt });
      }
    }
    res.type(XML_TYPE).set('Cache-Control', 'no-store').send(s3Xml('ListAllMyBucketsResult', {
      Owner: caller.kind === 'account' ? { ID: caller.accountId, DisplayName: caller.accountId } : undefined,
      Buckets: buckets.length > 0 ? { Bucket: buckets } : '',
    }));
  };
}
