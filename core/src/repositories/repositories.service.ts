// Repositories: create, read, update, delete. Who may do what is the access
// rule's alone (core/src/access/access-rule.ts); this module asks it, keeps the
// catalog's collection of each repository in step with the store, and asks the
// indexer to crawl a repository after each change (created, updated — published
// among others — and deleted, which forgets its index state).
import { assertAllowed, connectionAccepts, decide, type Caller, type RepositoryAction } from '../access/access-rule.ts';
import { checkAccountId } from '../accounts/account-fields.ts';
import { isoTime, nextUpdatedAt, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { Account, DataConnection, Repository, Visibility } from '../accounts/accounts.types.ts';
import type { CatalogIndex } from '../catalog-index/catalog-index.port.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Indexing } from '../index-state/crawl-request.ts';
import { revokeAllMembershipsOf } from '../memberships/membership-store.ts';
import { collectionIdFor, syncRepositoryCollection } from './repository-collection.ts';
import {
  applyRepositoryPatch, checkNewRepository, checkRepositoryPatch, checkRepositoryPath, defaultPrefix, MODERATION_FIELDS, type RepositoryPatch,
} from './repository-fields.ts';

export interface RepositoriesDeps extends AccountsDeps {
  catalog: CatalogIndex;
  /** The indexer's queue; without it (tests of this module alone) nothing is crawled. */
  indexing?: Indexing;
}

/** An account the caller may see; 404 for one that is missing or hidden. */
export async function readVisibleAccount(deps: AccountsDeps, caller: Caller, id: unknown, field = 'id'): Promise<Account> {
  const accountId = checkAccountId(id, field);
  const account = await deps.store.getAccount(accountId);
  if (!account) throw new NotFoundError(`account ${accountId} does not exist`);
  assertAllowed(decide(caller, 'account:read', account));
  return account;
}

/**
 * The repository, if `action` on it is allowed. A repository the caller may not
 * see is a NotFoundError exactly like a missing one (the access rule's 404).
 */
export async function readRepository(
  deps: AccountsDeps, caller: Caller, account: unknown, repository: unknown, action: RepositoryAction = 'repository:read',
): Promise<Repository> {
  const { accountId, repositoryId } = checkRepositoryPath(account, repository);
  const found = await deps.store.getRepository(accountId, repositoryId);
  if (!found) throw new NotFoundError(`repository ${accountId}/${repositoryId} not found`);
  assertAllowed(decide(caller, action, found));
  return found;
}

/** The data connection, when it exists and takes repositories of this visibility (else a 400 naming the field). */
async function usableConnection(deps: AccountsDeps, id: string, visibility: Visibility): Promise<DataConnection> {
  const connection = await deps.store.getDataConnection(id);
  if (!connection) throw new ValidationError(`dataConnectionId ${JSON.stringify(id)} does not name a data connection`);
  if (!connectionAccepts(connection, visibility)) {
    throw new ValidationError(`visibility ${visibility} is not allowed on data connection ${id}: it takes ${connection.allowedVisibilities.join(', ') || 'no repositories'}`);
  }
  return connection;
}

/**
 * A repository under `accountId` (the caller's own account, or an organisation
 * where the access rule allows account:create_repository). The store's
 * conditional create decides between concurrent creators of one id: exactly one
 * wins, the others get a ConflictError. The catalog collection is written after;
 * if that fails the repository is removed again, so a failed create leaves nothing.
 *
 * A prefix other than the default `{account}/{repository}/` could overlap another
 * repository's files on a shared connection, so it takes the right to manage the
 * connection (data_connection:manage) as well.
 */
export async function createRepository(deps: RepositoriesDeps, caller: Caller, accountId: unknown, body: unknown): Promise<Repository> {
  const account = await readVisibleAccount(deps, caller, accountId, 'account');
  assertAllowed(decide(caller, 'account:create_repository', account));
  const fields = checkNewRepository(body);
  const connection = await usableConnection(deps, fields.dataConnectionId, fields.visibility);
  const prefix = fields.prefix ?? defaultPrefix(account.id, fields.repositoryId);
  if (prefix !== defaultPrefix(account.id, fields.repositoryId)) assertAllowed(decide(caller, 'data_connection:manage', connection));
  const now = isoTime(deps.clock);
  const repository: Repository = {
    accountId: account.id, repositoryId: fields.repositoryId, title: fields.title, description: fields.description, tags: fields.tags,
    ...(fields.license !== undefined ? { license: fields.license } : {}),
    visibility: fields.visibility, state: fields.state, disabled: false, featured: false,
    dataConnectionId: connection.id, prefix, createdAt: now, updatedAt: now,
  };
  try {
    await deps.store.createRepository(repository);
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(`repository ${account.id}/${fields.repositoryId} already exists`);
    throw error;
  }
  try {
    await syncRepositoryCollection(deps, repository.accountId, repository.repositoryId);
  } catch (error) {
    await deps.store.deleteRepository(repository.accountId, repository.repositoryId).catch(() => undefined);
    await deps.catalog.deleteCollection(collectionIdFor(repository)).catch(() => undefined);
    throw error;
  }
  await deps.indexing?.requestCrawl(repository.accountId, repository.repositoryId);
  return repository;
}

/**
 * Applies a PATCH. With `updatedAt` in the body the change applies only to that
 * version (a ConflictError when someone changed it since); without, it is applied
 * to the current version, read again and re-applied if a concurrent write wins.
 * Every check is made against the version being written, before any write.
 */
export async function updateRepository(
  deps: RepositoriesDeps, caller: Caller, account: unknown, repository: unknown, body: unknown,
): Promise<Repository> {
  let current = await readRepository(deps, caller, account, repository);
  // Refusals before complaints about the input: who may not change it learns nothing more.
  const named = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
  assertMayChange(caller, current, named);
  const patch = checkRepositoryPatch(body);
  for (let attempt = 1; ; attempt++) {
    const next = await checkedPatch(deps, caller, current, patch);
    if (patch.updatedAt !== undefined && patch.updatedAt !== current.updatedAt) throw staleVersion(current);
    try {
      await deps.store.updateRepository(next, current.updatedAt);
    } catch (error) {
      if (!(error instanceof ConflictError) || patch.updatedAt !== undefined || attempt >= 3) {
        throw error instanceof ConflictError ? staleVersion(current) : error;
      }
      const reread = await deps.store.getRepository(current.accountId, current.repositoryId);
      if (!reread) throw new NotFoundError(`repository ${current.accountId}/${current.repositoryId} not found`);
      current = reread;
      continue;
    }
    await syncRepositoryCollection(deps, next.accountId, next.repositoryId);
    await deps.indexing?.requestCrawl(next.accountId, next.repositoryId);
    return next;
  }
}

const staleVersion = (r: Repository) =>
  new ConflictError(`repository ${r.accountId}/${r.repositoryId} was changed by someone else since the version you sent (updatedAt); read it again and retry`);

/** featured and disabled take repository:moderate, every other field repository:update (and a body naming none, the latter). */
function assertMayChange(caller: Caller, repository: Repository, fields: string[]): void {
  const changes = fields.filter((key) => key !== 'updatedAt');
  const moderation = (key: string) => (MODERATION_FIELDS as readonly string[]).includes(key);
  assertAllowed(decide(caller, 'repository:read', repository));
  if (changes.length === 0 || changes.some((key) => !moderation(key))) assertAllowed(decide(caller, 'repository:update', repository));
  if (changes.some(moderation)) assertAllowed(decide(caller, 'repository:moderate', repository));
}

/** The next version, or the refusal: moderation, update rights, connection and prefix, all from the access rule. */
async function checkedPatch(deps: AccountsDeps, caller: Caller, current: Repository, patch: RepositoryPatch): Promise<Repository> {
  assertMayChange(caller, current, Object.keys(patch));
  const next = applyRepositoryPatch(current, patch);
  const placed = next.dataConnectionId !== current.dataConnectionId || next.prefix !== current.prefix;
  if (placed || next.visibility !== current.visibility) {
    const connection = await usableConnection(deps, next.dataConnectionId, next.visibility);
    if (placed && next.prefix !== defaultPrefix(next.accountId, next.repositoryId)) assertAllowed(decide(caller, 'data_connection:manage', connection));
  }
  return { ...next, updatedAt: nextUpdatedAt(deps.clock, current.updatedAt) };
}

/**
 * Deletes the repository (owners and admins), then its memberships (revoked, so
 * that a later repository of the same id does not inherit them) and its catalog
 * collection. The files under its prefix are left where they are.
 */
export async function deleteRepository(deps: RepositoriesDeps, caller: Caller, account: unknown, repository: unknown): Promise<void> {
  const found = await readRepository(deps, caller, account, repository, 'repository:delete');
  await deps.store.deleteRepository(found.accountId, found.repositoryId);
  await revokeAllMembershipsOf(deps, `${found.accountId}/${found.repositoryId}`);
  await syncRepositoryCollection(deps, found.accountId, found.repositoryId);
  await deps.indexing?.requestCrawl(found.accountId, found.repositoryId);
}
