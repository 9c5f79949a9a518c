// Which repository, which store, which caller: resolved here, once, for every
// data-proxy operation — reads here, S3 writes (api/src/data-proxy/s3/) too —
// so that every path to a repository's bytes asks the access rule the same way.
//
// S3 path style with the account as the bucket: `/data/{account}` is a bucket,
// `{repository}/{path}` a key in it. A repository the caller may not see is a
// NotFoundError exactly like a missing one (the access rule's 404), which the
// data proxy answers as NoSuchKey and the management API as NotFound.
import type { Request } from 'express';
import { assertAllowed, decide, decideDataWrite, type Caller } from '@meridian/core/access/access-rule';
import type { Account, DataConnection, Repository } from '@meridian/core/accounts/accounts.types';
import { checkAccountId } from '@meridian/core/accounts/account-fields';
import { NotFoundError, ValidationError } from '@meridian/core/errors';
import { checkObjectKey } from '@meridian/core/object-store/object-key';
import type { ObjectStore } from '@meridian/core/object-store/object-store.port';
import { readRepository } from '@meridian/core/repositories/repositories.service';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';
import { S3Error } from './s3-error.ts';

/** What the data proxy needs: the management API's dependencies, the repositories' stores among them. */
export type DataProxyDeps = AccountsApiDeps;

export interface DataTarget {
  caller: Caller;
  repository: Repository;
  connection: DataConnection;
  /** Keys relative to the repository. */
  store: ObjectStore;
}

/** Reading files (repository:read) or changing them (write_data on the repository and a writable connection). */
export type DataAccess = 'read' | 'write';

/**
 * The repository and its store when the caller may `access` it; the access
 * rule's refusal otherwise (404 for a repository it may not see, as for a missing one).
 */
export async function dataTarget(deps: DataProxyDeps, caller: Caller, account: unknown, repository: unknown, access: DataAccess): Promise<DataTarget> {
  const found = await readRepository({ store: deps.metadata, clock: deps.clock }, caller, account, repository);
  const connection = await deps.metadata.getDataConnection(found.dataConnectionId);
  if (!connection) throw new Error(`repository ${found.accountId}/${found.repositoryId} names data connection ${found.dataConnectionId}, which does not exist`);
  if (access === 'write') assertAllowed(decideDataWrite(caller, found, connection));
  return { caller, repository: found, connection, store: deps.openStore(connection, found.prefix) };
}

/** The account an S3 client calls a bucket, when the caller may see it; NoSuchBucket otherwise, also for ids no account can have. */
export async function readBucket(deps: DataProxyDeps, caller: Caller, bucket: string): Promise<Account> {
  let accountId: string;
  try {
    accountId = checkAccountId(bucket, 'bucket');
  } catch {
    throw new S3Error('NoSuchBucket', undefined, { details: { BucketName: bucket } });
  }
  const account = await deps.metadata.getAccount(accountId);
  if (!account || !decide(caller, 'account:read', account).allowed) throw new S3Error('NoSuchBucket', undefined, { details: { BucketName: accountId } });
  return account;
}

/** `{account}`, `{repository}` and the object key of a `/data` request path, each decoded once. */
export interface ObjectPath {
  account: string;
  repository: string;
  /** Checked with checkObjectKey: it cannot leave the repository. */
  key: string;
}

/**
 * The parts of `/{account}/{repository}/{key…}` (a path relative to the proxy's
 * mount point, as the client sent it). Read from the raw path rather than from
 * Express's decoded parameters so that each part is decoded exactly once and a
 * `%2F` inside the account or repository cannot shift the boundaries.
 */
export function objectPath(req: Request): ObjectPath {
  const raw = req.path;
  const [, account = '', repository = '', ...rest] = raw.split('/');
  const decode = (part: string, field: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ValidationError(`${field} is not valid percent-encoded UTF-8`);
    }
  };
  const key = decode(rest.join('/'), 'the key');
  if (key === '') throw new NotFoundError('no object key: a repository is not an object');
  return { account: decode(account, 'the account'), repository: decode(repository, 'the repository'), key: checkObjectKey(key) };
}

/** S3's answer for an object that is not there, the same whether the repository is missing, hidden, or lacks the key. */
export const noSuchKey = (repository: string, key: string) => new S3Error('NoSuchKey', undefined, { details: { Key: `${repository}/${key}` } });

/** The caller and the object a `/data/{account}/{repository}/{key}` request is about, with its store. */
export async function objectTarget(deps: DataProxyDeps, req: Request, access: DataAccess): Promise<DataTarget & { key: string }> {
  const path = objectPath(req);
  try {
    return { ...(await dataTarget(deps, callerOf(req), path.account, path.repository, access)), key: path.key };
  } catch (error) {
    if (error instanceof NotFoundError) throw noSuchKey(path.repository, path.key);
    throw error;
  }
}
