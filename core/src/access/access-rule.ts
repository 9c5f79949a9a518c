// The one access rule (DESIGN §4). Every read and write path — management API,
// STAC API, data proxy, catalog search — asks this module, and nothing else
// decides who may do what. Pure functions, no I/O: the caller is built once per
// request from the account, its memberships and the API key that authenticated it.
//
// Rights on a repository are a rank: read_data 1 < write_data 2 < maintainers 3 <
// owners 4 < admin 5. The owning account holds owners on its repositories, and a
// role on an organisation holds on each of the organisation's repositories; the
// strongest grant counts. Only memberships in state 'member' count.
//
// Who may see a repository at all: public and unlisted ones anyone; restricted
// ones read_data and up; drafts write_data and up; disabled ones owners and admins.
// Whoever may not see it gets 404 for every action on it, so a hidden repository
// cannot be told from a missing one. Otherwise a refusal is 401 for anonymous
// callers and 403 for signed-in ones.
import type { Account, AccountFlags, ApiKey, DataConnection, Membership, Repository, Role, Visibility } from '../accounts/accounts.types.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';

export interface AccountCaller {
  readonly kind: 'account';
  readonly accountId: string;
  readonly flags: AccountFlags;
  /** Active roles by resource: `{organisation}` or `{account}/{repository}`. */
  readonly roles: ReadonlyMap<string, Role>;
  /** Set when an API key scoped to this `{account}/{repository}` authenticated the request. */
  readonly onlyRepository?: string;
}
/**
 * The indexer, authenticated by its service credential (api/src/accounts/indexer-credential.ts):
 * it reads every account and every repository — drafts, restricted and disabled
 * ones too, whose items the catalog then filters by the repository's access — and
 * may do nothing else.
 */
export interface IndexerCaller {
  readonly kind: 'indexer';
}
export type Caller = { readonly kind: 'anonymous' } | AccountCaller | IndexerCaller;
export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });
export const INDEXER: Caller = Object.freeze({ kind: 'indexer' });

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403 | 404; reason: string };

export type RepositoryAction =
  | 'repository:read' //           metadata, files, STAC collection and items
  | 'repository:list' //           appears in listings and search
  | 'repository:read_members'
  | 'repository:write_data' //     put/delete files, STAC transactions
  | 'repository:update' //         title, description, tags, licence, visibility, state, connection, prefix
  | 'repository:moderate' //       featured, disabled
  | 'repository:delete'
  | 'repository:manage_members' // invite, change roles, revoke
  | 'repository:read_index_report' // the indexer's validation report: every problem with its path
  | 'repository:reindex'; //       ask the indexer to read every file again
export type AccountAction =
  | 'account:read' //              public profile
  | 'account:read_private' //      email, flags, the account's memberships and invitations
  | 'account:update_profile'
  | 'account:read_members' //      an organisation's members
  | 'account:manage_members'
  | 'account:manage_api_keys'
  | 'account:create_repository' // a repository under this account
  | 'account:set_flags'; //        admin, may create repositories/organisations, disabled
export type GlobalAction = 'organization:create' | 'data_connection:create' | 'data_connection:read';
export type Action = RepositoryAction | AccountAction | GlobalAction | 'data_connection:manage' | 'invitation:respond';

export type RepositoryRef = Pick<Repository, 'accountId' | 'repositoryId' | 'visibility' | 'state' | 'disabled'>;
export type AccountRef = Pick<Account, 'id' | 'disabled'>;

const READ = 1, WRITE = 2, MAINTAIN = 3, OWN = 4, ADMIN = 5;
const ROLE_RANK: Record<Role, number> = { read_data: READ, write_data: WRITE, maintainers: MAINTAIN, owners: OWN };
const REPOSITORY_NEEDS: Record<RepositoryAction, number> = {
  'repository:read': 0, 'repository:list': 0, 'repository:read_members': READ, 'repository:write_data': WRITE,
  'repository:update': MAINTAIN, 'repository:moderate': ADMIN, 'repository:delete': OWN, 'repository:manage_members': OWN,
  'repository:read_index_report': MAINTAIN, 'repository:reindex': MAINTAIN,
};
/** Changes that a disabled repository refuses to all but admins. */
const CHANGES = new Set<Action>(['repository:write_data', 'repository:update', 'repository:delete', 'repository:manage_members']);
const ACCOUNT_NEEDS: Record<AccountAction, number> = {
  'account:read': 0, 'account:read_private': OWN, 'account:update_profile': MAINTAIN, 'account:read_members': READ,
  'account:manage_members': OWN, 'account:manage_api_keys': OWN, 'account:create_repository': MAINTAIN, 'account:set_flags': ADMIN,
};

const ALLOW: Decision = Object.freeze({ allowed: true });
const deny = (status: 401 | 403 | 404, reason: string): Decision => ({ allowed: false, status, reason });
const refuse = (caller: Caller, reason: string): Decision =>
  caller.kind === 'anonymous' ? deny(401, 'sign in or use an API key') : deny(403, reason);

export const repositoryKey = (r: Pick<Repository, 'accountId' | 'repositoryId'>): string => `${r.accountId}/${r.repositoryId}`;

/**
 * The caller for a signed-in account. Pass all of its memberships (any state; only
 * 'member' ones count) and the API key that authenticated the request, if any —
 * already checked for secret, expiry and revocation. A disabled account is anonymous.
 */
export function callerFor(account: Account, memberships: Iterable<Membership>, apiKey?: Pick<ApiKey, 'accountId' | 'repository'>): Caller {
  if (account.disabled) return ANONYMOUS;
  if (apiKey && apiKey.accountId !== account.id) throw new Error(`API key of ${apiKey.accountId} used as ${account.id}`);
  const roles = new Map<string, Role>();
  for (const m of memberships) {
    const held = roles.get(m.resource);
    if (m.memberId === account.id && m.state === 'member' && (!held || ROLE_RANK[m.role] > ROLE_RANK[held])) roles.set(m.resource, m.role);
  }
  return { kind: 'account', accountId: account.id, flags: { ...account.flags }, roles, onlyRepository: apiKey?.repository };
}

/** The caller's rank on an account (repository undefined) or on one of its repositories. */
function rankOn(caller: Caller, accountId: string, repository?: string): number {
  if (caller.kind !== 'account') return 0;
  if (caller.onlyRepository !== undefined && caller.onlyRepository !== repository) return 0;
  if (caller.flags.admin) return ADMIN;
  if (caller.accountId === accountId) return OWN;
  const role = (resource: string | undefined) => {
    const held = resource === undefined ? undefined : caller.roles.get(resource);
    return held ? ROLE_RANK[held] : 0;
  };
  return Math.max(role(accountId), role(repository));
}

/** The rank needed to see a repository at all. */
function seeRank(r: RepositoryRef): number {
  return r.disabled ? OWN : r.state === 'draft' ? WRITE : r.visibility === 'restricted' ? READ : 0;
}

/** What the indexer may do: read (and so list) repositories and read accounts. */
const INDEXER_ACTIONS = new Set<Action>(['repository:read', 'repository:list', 'account:read']);

function decideRepository(caller: Caller, action: RepositoryAction, r: RepositoryRef): Decision {
  if (caller.kind === 'indexer') return INDEXER_ACTIONS.has(action) ? ALLOW : deny(403, `the indexer only reads; ${action} is not allowed`);
  const rank = rankOn(caller, r.accountId, repositoryKey(r));
  if (rank < seeRank(r)) return deny(404, `repository ${repositoryKey(r)} not found`);
  if (action === 'repository:list') {
    return r.visibility === 'unlisted' && rank < WRITE ? deny(404, 'unlisted repositories are listed only for those who may write') : ALLOW;
  }
  if (rank < REPOSITORY_NEEDS[action]) return refuse(caller, `${action} is not allowed on ${repositoryKey(r)}`);
  if (r.disabled && CHANGES.has(action) && rank < ADMIN) return deny(403, `${repositoryKey(r)} is disabled`);
  return ALLOW;
}

function decideAccount(caller: Caller, action: AccountAction, a: AccountRef): Decision {
  if (caller.kind === 'indexer') return INDEXER_ACTIONS.has(action) ? ALLOW : deny(403, `the indexer only reads; ${action} is not allowed`);
  const rank = rankOn(caller, a.id);
  if (a.disabled && rank < OWN) return deny(404, `account ${a.id} not found`);
  if (rank < ACCOUNT_NEEDS[action]) return refuse(caller, `${action} is not allowed on ${a.id}`);
  if (action === 'account:create_repository' && rank < ADMIN && caller.kind === 'account' && !caller.flags.createRepositories) {
    return deny(403, 'this account may not create repositories');
  }
  return ALLOW;
}

/** Signed in, and not through a key scoped to one repository. */
const unscoped = (caller: Caller): caller is AccountCaller => caller.kind === 'account' && caller.onlyRepository === undefined;

export function decide(caller: Caller, action: RepositoryAction, repository: RepositoryRef): Decision;
export function decide(caller: Caller, action: AccountAction, account: AccountRef): Decision;
export function decide(caller: Caller, action: 'data_connection:manage', connection: Pick<DataConnection, 'ownerId'>): Decision;
export function decide(caller: Caller, action: 'invitation:respond', invitation: Pick<Membership, 'memberId' | 'resource'>): Decision;
export function decide(caller: Caller, action: GlobalAction): Decision;
export function decide(caller: Caller, action: Action, resource?: unknown): Decision {
  if (action.startsWith('repository:')) return decideRepository(caller, action as RepositoryAction, resource as RepositoryRef);
  if (action.startsWith('account:')) return decideAccount(caller, action as AccountAction, resource as AccountRef);
  switch (action) {
    case 'organization:create':
      return unscoped(caller) && (caller.flags.admin || caller.flags.createOrganizations) ? ALLOW : refuse(caller, 'this account may not create organisations');
    case 'data_connection:create':
      return unscoped(caller) && caller.flags.admin ? ALLOW : refuse(caller, 'only admins create data connections');
    case 'data_connection:read':
      return unscoped(caller) ? ALLOW : refuse(caller, 'not allowed to read data connections');
    case 'data_connection:manage':
      return rankOn(caller, (resource as Pick<DataConnection, 'ownerId'>).ownerId) >= OWN ? ALLOW : refuse(caller, 'only its owner or an admin manages a data connection');
    case 'invitation:respond': {
      const m = resource as Pick<Membership, 'memberId' | 'resource'>;
      const ok = caller.kind === 'account' && caller.accountId === m.memberId && (caller.onlyRepository ?? m.resource) === m.resource;
      return ok ? ALLOW : refuse(caller, 'only the invitee accepts or declines an invitation');
    }
  }
  throw new Error(`unknown action ${action}`);
}

/** Throws the DomainError for a refusal: route handlers call `assertAllowed(decide(...))`. */
export function assertAllowed(decision: Decision): void {
  if (decision.allowed) return;
  if (decision.status === 401) throw new UnauthorizedError(decision.reason);
  if (decision.status === 403) throw new ForbiddenError(decision.reason);
  throw new NotFoundError(decision.reason);
}

/** The data proxy's check for writes through a connection: none through a read-only one. */
export function connectionWritable(connection: Pick<DataConnection, 'readOnly'>): Decision {
  return connection.readOnly ? deny(403, 'the data connection is read-only') : ALLOW;
}

/** write_data on the repository and a writable connection: what a PUT or DELETE of a file needs. */
export function decideDataWrite(caller: Caller, repository: RepositoryRef, connection: Pick<DataConnection, 'readOnly'>): Decision {
  const d = decideRepository(caller, 'repository:write_data', repository);
  return d.allowed ? connectionWritable(connection) : d;
}

/** Whether a repository of this visibility may live on the connection (a 400 when not). */
export const connectionAccepts = (c: Pick<DataConnection, 'allowedVisibilities'>, v: Visibility): boolean => c.allowedVisibilities.includes(v);

/** The connection as any read endpoint returns it: never with credentials. */
export function redactConnection(c: DataConnection): DataConnection {
  if (c.details.kind !== 's3') return c;
  const { accessKeyId: _id, secretCiphertext: _secret, ...details } = c.details;
  return { ...c, details };
}

/** Accounts (every repository of them) and repositories (`{account}/{repository}`). */
export interface CatalogScope { accounts: string[]; repositories: string[] }

/**
 * What a caller finds in listings and search, for the catalog index to filter
 * inside its query. With `repository` the `{account}/{repository}` column:
 *
 *     all
 *     OR (visibility = 'public' AND state = 'published' AND NOT disabled)
 *     OR account IN owner.accounts OR repository IN owner.repositories
 *     OR (NOT disabled AND (account IN writer.accounts OR repository IN writer.repositories))
 *     OR (visibility = 'restricted' AND state = 'published' AND NOT disabled
 *         AND (account IN reader.accounts OR repository IN reader.repositories))
 *
 * (leave out an IN over an empty list). It agrees with decide(caller, 'repository:list').
 */
export type CatalogVisibility =
  | { all: true }
  | { all: false; owner: CatalogScope; writer: CatalogScope; reader: CatalogScope };

export function catalogVisibility(caller: Caller): CatalogVisibility {
  const v = { all: false as const, owner: scope(), writer: scope(), reader: scope() };
  if (caller.kind === 'anonymous') return v;
  if (caller.kind === 'indexer' || (unscoped(caller) && caller.flags.admin)) return { all: true };
  const grant = (rank: number, field: keyof CatalogScope, key: string) => {
    const tier = rank >= OWN ? v.owner : rank >= WRITE ? v.writer : rank >= READ ? v.reader : undefined;
    tier?.[field].push(key);
  };
  const only = caller.onlyRepository;
  if (only !== undefined) {
    grant(rankOn(caller, only.split('/')[0], only), 'repositories', only);
    return v;
  }
  grant(OWN, 'accounts', caller.accountId);
  for (const [resource, role] of caller.roles) {
    const account = resource.split('/')[0];
    // A role on a repository adds nothing where the account-wide rank already covers it.
    if (account === resource || ROLE_RANK[role] > rankOn(caller, account)) grant(ROLE_RANK[role], account === resource ? 'accounts' : 'repositories', resource);
  }
  return v;
}

const scope = (): CatalogScope => ({ accounts: [], repositories: [] });

/** The filter above, in memory: for in-memory backends and tests. */
export function matchesCatalogVisibility(v: CatalogVisibility, r: RepositoryRef): boolean {
  if (v.all) return true;
  const within = (s: CatalogScope) => s.accounts.includes(r.accountId) || s.repositories.includes(repositoryKey(r));
  const live = !r.disabled && r.state === 'published';
  return (live && r.visibility === 'public') || within(v.owner) || (!r.disabled && within(v.writer)) ||
    (live && r.visibility === 'restricted' && within(v.reader));
}
