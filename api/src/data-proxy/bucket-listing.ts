// S3 listings of an account, the bucket of path-style S3 clients: its keys are
// `{repository}/{path}`, so a listing walks the account's repositories in key
// order and each repository's own store inside it.
//
// - A prefix that reaches into a repository (`sst/2024/`) lists that repository
//   alone, when the caller may read it; one it may not see lists as empty, as a
//   missing one does.
// - Otherwise the repositories the caller may list (decide 'repository:list':
//   unlisted ones only for those who may write, hidden ones never) are walked.
//   With delimiter `/` each is one common prefix, empty or not — "accounts list
//   their repositories"; without a delimiter their objects follow each other.
//   Other delimiters are refused at this level: they could cut through
//   repository ids, which are not keys of any store.
//
// Continuation tokens wrap the repository and its store's own token.
import type { Caller } from '@meridian/core/access/access-rule';
import type { Account, Repository } from '@meridian/core/accounts/accounts.types';
import { NotFoundError, ValidationError } from '@meridian/core/errors';
import type { ListPage as StorePage, ObjectInfo } from '@meridian/core/object-store/object-store.port';
import { listRepositories } from '@meridian/core/repositories/repository-listing.service';
import { REPOSITORY_ID } from '@meridian/core/accounts/accounts.types';
import { dataTarget, type DataProxyDeps } from './data-target.ts';

export interface BucketListQuery {
  prefix: string;
  delimiter?: string;
  /** Only keys after this one. */
  startAfter?: string;
  continuationToken?: string;
  /** 1–1000. */
  maxKeys: number;
}

/** Keys and prefixes are whole: `{repository}/{path}`. */
export type BucketPage = StorePage;

/** Where the previous page stopped: in repository `r` with its store's token `t`, or after the key or prefix `k`. */
interface Token { r?: string; t?: string; k?: string }

const encodeToken = (token: Token) => Buffer.from(JSON.stringify(token)).toString('base64url');

function decodeToken(value: string): Token {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (token && typeof token === 'object' && !Array.isArray(token) && Object.values(token).every((v) => typeof v === 'string')) return token as Token;
  } catch {
    // answered below
  }
  throw new ValidationError('the continuation token is not one this listing gave out');
}

const withRepository = (repository: string, page: StorePage): StorePage => ({
  ...page,
  objects: page.objects.map((o: ObjectInfo) => ({ ...o, key: `${repository}/${o.key}` })),
  commonPrefixes: page.commonPrefixes.map((p) => `${repository}/${p}`),
});

const EMPTY: BucketPage = { objects: [], commonPrefixes: [], isTruncated: false };

/**
 * Where in repository `id` a listing starting after `startAfter` begins:
 * 'all', after an inner key, or 'none' when every key of it comes before.
 * Keys of the repository all start with `${id}/`, which is ASCII, so JavaScript's
 * string order agrees with S3's UTF-8 byte order in these comparisons.
 */
function startWithin(id: string, startAfter: string | undefined): 'all' | 'none' | { after: string } {
  const head = `${id}/`;
  if (startAfter === undefined || startAfter < head) return 'all';
  return startAfter.startsWith(head) ? { after: startAfter.slice(head.length) } : 'none';
}

/** Every repository of the account that the caller may list, in key order. */
async function listableRepositories(deps: DataProxyDeps, caller: Caller, account: Account): Promise<Repository[]> {
  const core = { store: deps.metadata, clock: deps.clock };
  const found: Repository[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRepositories(core, caller, { limit: 100, cursor }, account.id);
    found.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return found.sort((a, b) => (`${a.repositoryId}/` < `${b.repositoryId}/` ? -1 : 1));
}

export async function listBucket(deps: DataProxyDeps, caller: Caller, account: Account, query: BucketListQuery): Promise<BucketPage> {
  const token = query.continuationToken === undefined ? undefined : decodeToken(query.continuationToken);
  const slash = query.prefix.indexOf('/');
  if (slash >= 0) return listInsideRepository(deps, caller, account, query, query.prefix.slice(0, slash), token);
  if (query.delimiter !== undefined && query.delimiter !== '/') {
    throw new ValidationError('delimiter: at the level of the account (a prefix without /) only / is supported; give a prefix that names a repository, like {repository}/, to use another');
  }
  const repositories = (await listableRepositories(deps, caller, account)).filter((r) => r.repositoryId.startsWith(query.prefix));
  return query.delimiter === '/' ? repositoryPrefixes(repositories, query, token) : walkRepositories(deps, caller, account, repositories, query, token);
}

/** One repository's listing, its keys and prefixes made whole. */
async function listInsideRepository(
  deps: DataProxyDeps, caller: Caller, account: Account, query: BucketListQuery, id: string, token: Token | undefined,
): Promise<BucketPage> {
  if (token && token.r !== id) throw new ValidationError('the continuation token belongs to a listing with another prefix');
  if (!REPOSITORY_ID.test(id)) return EMPTY;
  const start = startWithin(id, query.startAfter);
  if (start === 'none') return EMPTY;
  let store;
  try {
    ({ store } = await dataTarget(deps, caller, account.id, id, 'read'));
  } catch (error) {
    if (error instanceof NotFoundError) return EMPTY;
    throw error;
  }
  const page = await store.list({
    prefix: query.prefix.slice(id.length + 1),
    delimiter: query.delimiter,
    maxKeys: query.maxKeys,
    ...(start === 'all' ? {} : { startAfter: start.after }),
    ...(token?.t !== undefined ? { continuationToken: token.t } : {}),
  });
  const whole = withRepository(id, page);
  return { ...whole, nextContinuationToken: page.nextContinuationToken && encodeToken({ r: id, t: page.nextContinuationToken }) };
}

/** Delimiter `/` at the account level: one common prefix per repository. */
function repositoryPrefixes(repositories: Repository[], query: BucketListQuery, token: Token | undefined): BucketPage {
  const after = token?.k ?? query.startAfter;
  const prefixes = repositories.map((r) => `${r.repositoryId}/`).filter((p) => after === undefined || p > after);
  const page = prefixes.slice(0, query.maxKeys);
  const isTruncated = prefixes.length > page.length;
  return { objects: [], commonPrefixes: page, isTruncated, ...(isTruncated ? { nextContinuationToken: encodeToken({ k: page.at(-1) }) } : {}) };
}

/** No delimiter at the account level: every repository's objects, one repository after another. */
async function walkRepositories(
  deps: DataProxyDeps, caller: Caller, account: Account, repositories: Repository[], query: BucketListQuery, token: Token | undefined,
): Promise<BucketPage> {
  const objects: ObjectInfo[] = [];
  // From the token's repository on (or the next one, if it went away meanwhile).
  let index = token?.r === undefined ? 0 : repositories.findIndex((r) => `${r.repositoryId}/` >= `${token.r}/`);
  if (index < 0) return EMPTY;
  for (; index < repositories.length; index++) {
    const id = repositories[index].repositoryId;
    const remaining = query.maxKeys - objects.length;
    if (remaining === 0) return { objects, commonPrefixes: [], isTruncated: true, nextContinuationToken: encodeToken({ r: id }) };
    const resume = token?.r === id ? token.t : undefined;
    const start = resume === undefined ? startWithin(id, query.startAfter) : 'all';
    if (start === 'none') continue;
    let target;
    try {
      target = await dataTarget(deps, caller, account.id, id, 'read');
    } catch (error) {
      if (error instanceof NotFoundError) continue; // changed since it was listed
      throw error;
    }
    const page = await target.store.list({
      maxKeys: remaining,
      ...(start === 'all' ? {} : { startAfter: start.after }),
      ...(resume !== undefined ? { continuationToken: resume } : {}),
    });
    objects.push(...withRepository(id, page).objects);
    if (page.isTruncated) return { objects, commonPrefixes: [], isTruncated: true, nextContinuationToken: encodeToken({ r: id, t: page.nextContinuationToken }) };
  }
  return { objects, commonPrefixes: [], isTruncated: false };
}
