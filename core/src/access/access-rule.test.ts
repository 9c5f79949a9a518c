// The access rule, checked against tables written out by hand: every action ×
// every kind of caller × visibility × state × disabled. Each cell is the expected
// decision: ok, or the status of the refusal. The tables are the specification;
// read them, don't derive them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import type { Account, AccountFlags, DataConnection, Membership, Repository, RepositoryState, Role, Visibility } from '../accounts/accounts.types.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import {
  ANONYMOUS, INDEXER, assertAllowed, callerFor, catalogVisibility, connectionAccepts, connectionWritable, decide, decideDataWrite,
  matchesCatalogVisibility, redactConnection, repositoryKey,
  type AccountAction, type Caller, type CatalogVisibility, type Decision, type RepositoryAction, type RepositoryRef,
} from './access-rule.ts';

const T = '2025-01-01T00:00:00.000Z';
const FLAGS: AccountFlags = { admin: false, createRepositories: true, createOrganizations: true };

function account(id: string, type: Account['type'] = 'individual', flags: Partial<AccountFlags> = {}, disabled = false): Account {
  return { id, type, profile: { name: id }, flags: { ...FLAGS, ...flags }, disabled, createdAt: T, updatedAt: T };
}
function member(memberId: string, resource: string, role: Role, state: Membership['state'] = 'member'): Membership {
  return { resource, memberId, role, state, invitedBy: 'someone', createdAt: T, updatedAt: T };
}
function as(id: string, memberships: [string, Role, Membership['state']?][] = [], key?: string, flags: Partial<AccountFlags> = {}): Caller {
  const ms = memberships.map(([resource, role, state]) => member(id, resource, role, state));
  return callerFor(account(id, 'individual', flags), ms, key === undefined ? undefined : { accountId: id, repository: key });
}

// The repository under test is acme/data (acme is an organisation), except for the
// owning individual, whose repository is alice/data.
const CALLERS: Record<string, { caller: Caller; account: string }> = {
  'anonymous': { caller: ANONYMOUS, account: 'acme' },
  'outsider': { caller: as('bob'), account: 'acme' },
  'repo-owners': { caller: as('u1', [['acme/data', 'owners']]), account: 'acme' },
  'repo-maintainers': { caller: as('u2', [['acme/data', 'maintainers']]), account: 'acme' },
  'repo-write_data': { caller: as('u3', [['acme/data', 'write_data']]), account: 'acme' },
  'repo-read_data': { caller: as('u4', [['acme/data', 'read_data']]), account: 'acme' },
  'org-owners': { caller: as('o1', [['acme', 'owners']]), account: 'acme' },
  'org-maintainers': { caller: as('o2', [['acme', 'maintainers']]), account: 'acme' },
  'org-write_data': { caller: as('o3', [['acme', 'write_data']]), account: 'acme' },
  'org-read_data': { caller: as('o4', [['acme', 'read_data']]), account: 'acme' },
  'individual': { caller: as('alice'), account: 'alice' },
  // The organisation itself, through an API key of its own scoped to the account.
  'org-itself': { caller: callerFor(account('acme', 'organization'), [], { accountId: 'acme' }), account: 'acme' },
  'admin': { caller: as('root', [], undefined, { admin: true }), account: 'acme' },
  // A write_data member, and an organisation owner, each through a key scoped to acme/data.
  'key-repo-writer': { caller: as('k1', [['acme/data', 'write_data']], 'acme/data'), account: 'acme' },
  'key-repo-owner': { caller: as('k2', [['acme', 'owners']], 'acme/data'), account: 'acme' },
  // An organisation owner, and an admin, each through a key scoped to acme/other.
  'key-other-repo': { caller: as('k3', [['acme', 'owners']], 'acme/other'), account: 'acme' },
  'key-other-admin': { caller: as('k4', [], 'acme/other', { admin: true }), account: 'acme' },
  // Owners of acme/data and of acme once, or invited to be and not yet accepted.
  'revoked': { caller: as('r1', [['acme/data', 'owners', 'revoked'], ['acme', 'owners', 'revoked']]), account: 'acme' },
  'invited': { caller: as('i1', [['acme/data', 'owners', 'invited'], ['acme', 'owners', 'invited']]), account: 'acme' },
  // The indexer's service credential: it reads every repository and account, and does nothing else.
  'indexer': { caller: INDEXER, account: 'acme' },
};

/** Rows of `name cell cell …`; lines starting with // and the | separator are ignored. */
function parse(table: string, width: number): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of table.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('//')) continue;
    const [name, ...cells] = line.split(/\s+/).filter((t) => t !== '|');
    assert.equal(cells.length, width, `row ${name} has ${cells.length} cells`);
    rows.set(name, cells);
  }
  assert.deepEqual([...rows.keys()], Object.keys(CALLERS), 'every caller kind, in order');
  return rows;
}

function outcome(d: Decision): string {
  return d.allowed ? 'ok' : String(d.status);
}

const COLUMNS: { visibility: Visibility; state: RepositoryState; disabled: boolean }[] = [false, true].flatMap((disabled) =>
  (['public', 'unlisted', 'restricted'] as const).flatMap((visibility) =>
    (['published', 'draft'] as const).map((state) => ({ visibility, state, disabled }))));

const REPOSITORY_TABLES: Record<RepositoryAction, string> = {
  'repository:read': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           ok    404   ok    404   404   404   | 404   404   404   404   404   404
    outsider            ok    404   ok    404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-read_data      ok    404   ok    404   ok    404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-read_data       ok    404   ok    404   ok    404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-itself          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-other-repo      ok    404   ok    404   404   404   | 404   404   404   404   404   404
    key-other-admin     ok    404   ok    404   404   404   | 404   404   404   404   404   404
    revoked             ok    404   ok    404   404   404   | 404   404   404   404   404   404
    invited             ok    404   ok    404   404   404   | 404   404   404   404   404   404
    indexer             ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
  `,
  'repository:list': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           ok    404   404   404   404   404   | 404   404   404   404   404   404
    outsider            ok    404   404   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-read_data      ok    404   404   404   ok    404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-read_data       ok    404   404   404   ok    404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-itself          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-other-repo      ok    404   404   404   404   404   | 404   404   404   404   404   404
    key-other-admin     ok    404   404   404   404   404   | 404   404   404   404   404   404
    revoked             ok    404   404   404   404   404   | 404   404   404   404   404   404
    invited             ok    404   404   404   404   404   | 404   404   404   404   404   404
    indexer             ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
  `,
  'repository:read_members': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-read_data      ok    404   ok    404   ok    404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-read_data       ok    404   ok    404   ok    404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-itself          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:write_data': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-itself          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:update': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-itself          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:read_index_report': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-itself          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:reindex': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    repo-maintainers    ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-maintainers     ok    ok    ok    ok    ok    ok    | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    org-itself          ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:moderate': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         403   403   403   403   403   403   | 403   403   403   403   403   403
    repo-maintainers    403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          403   403   403   403   403   403   | 403   403   403   403   403   403
    org-maintainers     403   403   403   403   403   403   | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          403   403   403   403   403   403   | 403   403   403   403   403   403
    org-itself          403   403   403   403   403   403   | 403   403   403   403   403   403
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      403   403   403   403   403   403   | 403   403   403   403   403   403
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:delete': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    repo-maintainers    403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-maintainers     403   403   403   403   403   403   | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-itself          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
  'repository:manage_members': `
    //                  ───────────── enabled ───────────── | ───────────── disabled ────────────
    //                  public      unlisted    restricted  | public      unlisted    restricted
    //                  pub   draft pub   draft pub   draft | pub   draft pub   draft pub   draft
    anonymous           401   404   401   404   404   404   | 404   404   404   404   404   404
    outsider            403   404   403   404   404   404   | 404   404   404   404   404   404
    repo-owners         ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    repo-maintainers    403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-write_data     403   403   403   403   403   403   | 404   404   404   404   404   404
    repo-read_data      403   404   403   404   403   404   | 404   404   404   404   404   404
    org-owners          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-maintainers     403   403   403   403   403   403   | 404   404   404   404   404   404
    org-write_data      403   403   403   403   403   403   | 404   404   404   404   404   404
    org-read_data       403   404   403   404   403   404   | 404   404   404   404   404   404
    individual          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    org-itself          ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    admin               ok    ok    ok    ok    ok    ok    | ok    ok    ok    ok    ok    ok
    key-repo-writer     403   403   403   403   403   403   | 404   404   404   404   404   404
    key-repo-owner      ok    ok    ok    ok    ok    ok    | 403   403   403   403   403   403
    key-other-repo      403   404   403   404   404   404   | 404   404   404   404   404   404
    key-other-admin     403   404   403   404   404   404   | 404   404   404   404   404   404
    revoked             403   404   403   404   404   404   | 404   404   404   404   404   404
    invited             403   404   403   404   404   404   | 404   404   404   404   404   404
    indexer             403   403   403   403   403   403   | 403   403   403   403   403   403
  `,
};

for (const [action, table] of Object.entries(REPOSITORY_TABLES) as [RepositoryAction, string][]) {
  test(`${action}: every caller × visibility × state × disabled`, () => {
    for (const [name, cells] of parse(table, 12)) {
      const { caller, account: accountId } = CALLERS[name];
      COLUMNS.forEach((column, i) => {
        const repository: RepositoryRef = { accountId, repositoryId: 'data', ...column };
        const d = decide(caller, action, repository);
        assert.equal(outcome(d), cells[i], `${name} ${action} on ${JSON.stringify(column)}: ${d.allowed ? '' : d.reason}`);
      });
    }
  });
}

test('every repository action has a table', () => {
  const actions: RepositoryAction[] = ['repository:read', 'repository:list', 'repository:read_members', 'repository:write_data',
    'repository:update', 'repository:moderate', 'repository:delete', 'repository:manage_members', 'repository:read_index_report', 'repository:reindex'];
  assert.deepEqual(Object.keys(REPOSITORY_TABLES).sort(), actions.sort());
});

// Organisation acme, individual alice, and gone: a disabled individual account.
const ACCOUNT_ACTIONS: AccountAction[] = ['account:read', 'account:read_private', 'account:update_profile', 'account:read_members',
  'account:manage_members', 'account:manage_api_keys', 'account:create_repository', 'account:set_flags'];
const ACCOUNT_TABLES: Record<string, string> = {
  acme: `
    //                  read     read     update   read     manage   manage   create   set
    //                           private  profile  members  members  api_keys repo     flags
    anonymous           ok       401      401      401      401      401      401      401
    outsider            ok       403      403      403      403      403      403      403
    repo-owners         ok       403      403      403      403      403      403      403
    repo-maintainers    ok       403      403      403      403      403      403      403
    repo-write_data     ok       403      403      403      403      403      403      403
    repo-read_data      ok       403      403      403      403      403      403      403
    org-owners          ok       ok       ok       ok       ok       ok       ok       403
    org-maintainers     ok       403      ok       ok       403      403      ok       403
    org-write_data      ok       403      403      ok       403      403      403      403
    org-read_data       ok       403      403      ok       403      403      403      403
    individual          ok       403      403      403      403      403      403      403
    org-itself          ok       ok       ok       ok       ok       ok       ok       403
    admin               ok       ok       ok       ok       ok       ok       ok       ok
    key-repo-writer     ok       403      403      403      403      403      403      403
    key-repo-owner      ok       403      403      403      403      403      403      403
    key-other-repo      ok       403      403      403      403      403      403      403
    key-other-admin     ok       403      403      403      403      403      403      403
    revoked             ok       403      403      403      403      403      403      403
    invited             ok       403      403      403      403      403      403      403
    indexer             ok       403      403      403      403      403      403      403
  `,
  alice: `
    //                  read     read     update   read     manage   manage   create   set
    //                           private  profile  members  members  api_keys repo     flags
    anonymous           ok       401      401      401      401      401      401      401
    outsider            ok       403      403      403      403      403      403      403
    repo-owners         ok       403      403      403      403      403      403      403
    repo-maintainers    ok       403      403      403      403      403      403      403
    repo-write_data     ok       403      403      403      403      403      403      403
    repo-read_data      ok       403      403      403      403      403      403      403
    org-owners          ok       403      403      403      403      403      403      403
    org-maintainers     ok       403      403      403      403      403      403      403
    org-write_data      ok       403      403      403      403      403      403      403
    org-read_data       ok       403      403      403      403      403      403      403
    individual          ok       ok       ok       ok       ok       ok       ok       403
    org-itself          ok       403      403      403      403      403      403      403
    admin               ok       ok       ok       ok       ok       ok       ok       ok
    key-repo-writer     ok       403      403      403      403      403      403      403
    key-repo-owner      ok       403      403      403      403      403      403      403
    key-other-repo      ok       403      403      403      403      403      403      403
    key-other-admin     ok       403      403      403      403      403      403      403
    revoked             ok       403      403      403      403      403      403      403
    invited             ok       403      403      403      403      403      403      403
    indexer             ok       403      403      403      403      403      403      403
  `,
  gone: `
    //                  read     read     update   read     manage   manage   create   set
    //                           private  profile  members  members  api_keys repo     flags
    anonymous           404      404      404      404      404      404      404      404
    outsider            404      404      404      404      404      404      404      404
    repo-owners         404      404      404      404      404      404      404      404
    repo-maintainers    404      404      404      404      404      404      404      404
    repo-write_data     404      404      404      404      404      404      404      404
    repo-read_data      404      404      404      404      404      404      404      404
    org-owners          404      404      404      404      404      404      404      404
    org-maintainers     404      404      404      404      404      404      404      404
    org-write_data      404      404      404      404      404      404      404      404
    org-read_data       404      404      404      404      404      404      404      404
    individual          404      404      404      404      404      404      404      404
    org-itself          404      404      404      404      404      404      404      404
    admin               ok       ok       ok       ok       ok       ok       ok       ok
    key-repo-writer     404      404      404      404      404      404      404      404
    key-repo-owner      404      404      404      404      404      404      404      404
    key-other-repo      404      404      404      404      404      404      404      404
    key-other-admin     404      404      404      404      404      404      404      404
    revoked             404      404      404      404      404      404      404      404
    invited             404      404      404      404      404      404      404      404
    indexer             ok       403      403      403      403      403      403      403
  `,
};

for (const [target, table] of Object.entries(ACCOUNT_TABLES)) {
  test(`account actions on ${target}: every caller`, () => {
    for (const [name, cells] of parse(table, ACCOUNT_ACTIONS.length)) {
      ACCOUNT_ACTIONS.forEach((action, i) => {
        const d = decide(CALLERS[name].caller, action, { id: target, disabled: target === 'gone' });
        assert.equal(outcome(d), cells[i], `${name} ${action} on ${target}: ${d.allowed ? '' : d.reason}`);
      });
    }
  });
}

// Connections owned by acme and by alice; the invitation is i1's, to acme/data.
const GLOBAL = `
    //                  create   create   read     manage   manage   respond to
    //                  org      conn     conns    acme's   alice's  i1's invitation
    anonymous           401      401      401      401      401      401
    outsider            ok       403      ok       403      403      403
    repo-owners         ok       403      ok       403      403      403
    repo-maintainers    ok       403      ok       403      403      403
    repo-write_data     ok       403      ok       403      403      403
    repo-read_data      ok       403      ok       403      403      403
    org-owners          ok       403      ok       ok       403      403
    org-maintainers     ok       403      ok       403      403      403
    org-write_data      ok       403      ok       403      403      403
    org-read_data       ok       403      ok       403      403      403
    individual          ok       403      ok       403      ok       403
    org-itself          ok       403      ok       ok       403      403
    admin               ok       ok       ok       ok       ok       403
    key-repo-writer     403      403      403      403      403      403
    key-repo-owner      403      403      403      403      403      403
    key-other-repo      403      403      403      403      403      403
    key-other-admin     403      403      403      403      403      403
    revoked             ok       403      ok       403      403      403
    invited             ok       403      ok       403      403      ok
    indexer             403      403      403      403      403      403
`;

test('organisations, data connections and invitations: every caller', () => {
  const checks: ((c: Caller) => Decision)[] = [
    (c) => decide(c, 'organization:create'),
    (c) => decide(c, 'data_connection:create'),
    (c) => decide(c, 'data_connection:read'),
    (c) => decide(c, 'data_connection:manage', { ownerId: 'acme' }),
    (c) => decide(c, 'data_connection:manage', { ownerId: 'alice' }),
    (c) => decide(c, 'invitation:respond', member('i1', 'acme/data', 'owners', 'invited')),
  ];
  for (const [name, cells] of parse(GLOBAL, checks.length)) {
    checks.forEach((check, i) => assert.equal(outcome(check(CALLERS[name].caller)), cells[i], `${name}, column ${i + 1}`));
  }
});

test('creating repositories and organisations needs the account flags, unless admin', () => {
  const alice = as('alice', [], undefined, { createRepositories: false, createOrganizations: false });
  const owner = as('o1', [['acme', 'owners']], undefined, { createRepositories: false, createOrganizations: false });
  const admin = as('root', [], undefined, { admin: true, createRepositories: false, createOrganizations: false });
  const cases: [string, Caller, string, string, string][] = [
    //           caller   repo under alice  repo under acme  organisation
    ['alice', alice, '403', '403', '403'],
    ['o1', owner, '403', '403', '403'],
    ['root', admin, 'ok', 'ok', 'ok'],
  ];
  for (const [name, caller, underAlice, underAcme, org] of cases) {
    assert.equal(outcome(decide(caller, 'account:create_repository', { id: 'alice', disabled: false })), underAlice, name);
    assert.equal(outcome(decide(caller, 'account:create_repository', { id: 'acme', disabled: false })), underAcme, name);
    assert.equal(outcome(decide(caller, 'organization:create')), org, name);
  }
});

test('invitations: only the invitee, and a repository key only for its own repository', () => {
  const invitation = member('i1', 'acme/data', 'read_data', 'invited');
  assert.equal(outcome(decide(as('i1', [], 'acme/data'), 'invitation:respond', invitation)), 'ok');
  assert.equal(outcome(decide(as('i1', [], 'acme/other'), 'invitation:respond', invitation)), '403');
  assert.equal(outcome(decide(as('i1', [], 'acme/data'), 'invitation:respond', member('i1', 'acme', 'owners', 'invited'))), '403');
  assert.equal(outcome(decide(as('i2'), 'invitation:respond', invitation)), '403');
});

test('callerFor: only active memberships of this account count, the strongest wins; disabled accounts are anonymous', () => {
  const memberships = [
    member('carol', 'acme/data', 'read_data'), member('carol', 'acme/data', 'owners'), member('carol', 'acme/data', 'write_data'),
    member('dave', 'acme/x', 'owners'), member('carol', 'beta', 'owners', 'revoked'), member('carol', 'gamma', 'owners', 'invited'),
  ];
  const caller = callerFor(account('carol'), memberships);
  assert.equal(caller.kind, 'account');
  if (caller.kind !== 'account') return;
  assert.deepEqual([...caller.roles], [['acme/data', 'owners']]);
  assert.equal(caller.onlyRepository, undefined);
  assert.equal(callerFor(account('carol', 'individual', {}, true), memberships), ANONYMOUS);
  assert.throws(() => callerFor(account('carol'), [], { accountId: 'dave' }));
});

test('writes through a read-only data connection are refused, after the repository rule', () => {
  const repository: RepositoryRef = { accountId: 'acme', repositoryId: 'data', visibility: 'public', state: 'published', disabled: false };
  const hidden: RepositoryRef = { ...repository, visibility: 'restricted' };
  const owner = CALLERS['org-owners'].caller;
  assert.equal(outcome(connectionWritable({ readOnly: true })), '403');
  assert.equal(outcome(connectionWritable({ readOnly: false })), 'ok');
  assert.equal(outcome(decideDataWrite(owner, repository, { readOnly: false })), 'ok');
  assert.equal(outcome(decideDataWrite(owner, repository, { readOnly: true })), '403');
  assert.equal(outcome(decideDataWrite(CALLERS.admin.caller, repository, { readOnly: true })), '403');
  assert.equal(outcome(decideDataWrite(ANONYMOUS, repository, { readOnly: true })), '401');
  assert.equal(outcome(decideDataWrite(CALLERS.outsider.caller, hidden, { readOnly: true })), '404');
  assert.equal(outcome(decideDataWrite(CALLERS['repo-read_data'].caller, hidden, { readOnly: false })), '403');
});

test('data connections: credentials are never returned; allowed visibilities', () => {
  const s3: DataConnection = {
    id: 'c1', name: 'bucket', ownerId: 'acme', readOnly: false, allowedVisibilities: ['public', 'unlisted'], createdAt: T, updatedAt: T,
    details: { kind: 's3', bucket: 'b', prefixTemplate: '{account}/{repository}/', region: 'eu-west-1', accessKeyId: 'AKIA', secretCiphertext: 'xx' },
  };
  const shown = redactConnection(s3);
  assert.deepEqual(shown.details, { kind: 's3', bucket: 'b', prefixTemplate: '{account}/{repository}/', region: 'eu-west-1' });
  assert.equal(JSON.stringify(shown).includes('AKIA'), false);
  assert.equal(s3.details.kind === 's3' && s3.details.secretCiphertext, 'xx', 'the original is left alone');
  const fs: DataConnection = { ...s3, details: { kind: 'filesystem', root: '/data' } };
  assert.deepEqual(redactConnection(fs), fs);
  assert.equal(connectionAccepts(s3, 'unlisted'), true);
  assert.equal(connectionAccepts(s3, 'restricted'), false);
});

test('assertAllowed throws the domain error of the status', () => {
  const repository: RepositoryRef = { accountId: 'acme', repositoryId: 'data', visibility: 'public', state: 'published', disabled: false };
  assert.doesNotThrow(() => assertAllowed(decide(ANONYMOUS, 'repository:read', repository)));
  assert.throws(() => assertAllowed(decide(ANONYMOUS, 'repository:update', repository)), UnauthorizedError);
  assert.throws(() => assertAllowed(decide(CALLERS.outsider.caller, 'repository:update', repository)), ForbiddenError);
  assert.throws(() => assertAllowed(decide(CALLERS.outsider.caller, 'repository:read', { ...repository, visibility: 'restricted' })), NotFoundError);
});

// ── catalogVisibility agrees with decide() ──────────────────────────────────────

const ACCOUNTS = ['acme', 'beta', 'alice', 'bob', 'carol'];
const REPOSITORIES: RepositoryRef[] = ACCOUNTS.flatMap((accountId) => ['data', 'other'].flatMap((repositoryId) =>
  COLUMNS.map((column) => ({ accountId, repositoryId, ...column }))));

function randomCallers(count: number): Caller[] {
  const random = seededRandom(20250101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const resources = [...ACCOUNTS, ...ACCOUNTS.flatMap((a) => [`${a}/data`, `${a}/other`])];
  const callers: Caller[] = [];
  for (let i = 0; i < count; i++) {
    const id = pick(ACCOUNTS);
    const memberships = Array.from({ length: Math.floor(random() * 5) }, () =>
      member(id, pick(resources), pick(['owners', 'maintainers', 'write_data', 'read_data'] as const), pick(['member', 'member', 'invited', 'revoked'] as const)));
    const key = random() < 0.3 ? { accountId: id, repository: random() < 0.7 ? pick(resources.filter((r) => r.includes('/'))) : undefined } : undefined;
    callers.push(callerFor(account(id, 'individual', { admin: random() < 0.1 }), memberships, key));
  }
  return callers;
}

const SAMPLE = [...Object.values(CALLERS).map((c) => c.caller), ...randomCallers(300)];

test('catalogVisibility admits exactly what decide() lets the caller list, and reads agree outside unlisted', () => {
  for (const caller of SAMPLE) {
    const v = catalogVisibility(caller);
    for (const r of REPOSITORIES) {
      const where = `${JSON.stringify(caller, (_, x) => (x instanceof Map ? [...x] : x))} on ${JSON.stringify(r)}`;
      assert.equal(matchesCatalogVisibility(v, r), decide(caller, 'repository:list', r).allowed, `list: ${where}`);
      if (r.visibility !== 'unlisted') assert.equal(matchesCatalogVisibility(v, r), decide(caller, 'repository:read', r).allowed, `read: ${where}`);
    }
  }
});

/** The filter as documented in access-rule.ts, as SQL. */
function toSql(v: CatalogVisibility): { where: string; params: string[] } {
  if (v.all) return { where: '1', params: [] };
  const params: string[] = [];
  const within = (s: { accounts: string[]; repositories: string[] }) => {
    const parts: string[] = [];
    for (const [column, values] of [['account', s.accounts], ['repository', s.repositories]] as const) {
      if (values.length === 0) continue;
      parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
    return parts.length ? `(${parts.join(' OR ')})` : '0';
  };
  const where = [
    `(visibility = 'public' AND state = 'published' AND NOT disabled)`,
    within(v.owner),
    `(NOT disabled AND ${within(v.writer)})`,
    `(visibility = 'restricted' AND state = 'published' AND NOT disabled AND ${within(v.reader)})`,
  ].join(' OR ');
  return { where, params };
}

test('the documented SQL filter over catalogVisibility selects exactly the listable repositories', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE repos (n INTEGER, account TEXT, repository TEXT, visibility TEXT, state TEXT, disabled INTEGER)');
  const insert = db.prepare('INSERT INTO repos VALUES (?, ?, ?, ?, ?, ?)');
  REPOSITORIES.forEach((r, n) => insert.run(n, r.accountId, repositoryKey(r), r.visibility, r.state, r.disabled ? 1 : 0));
  for (const caller of SAMPLE) {
    const { where, params } = toSql(catalogVisibility(caller));
    const found = db.prepare(`SELECT n FROM repos WHERE ${where} ORDER BY n`).all(...params).map((row) => Number(row.n));
    const expected = REPOSITORIES.flatMap((r, n) => (decide(caller, 'repository:list', r).allowed ? [n] : []));
    assert.deepEqual(found, expected, where);
  }
  db.close();
});

test('catalogVisibility: shapes for anonymous, admin, a key, and an organisation member', () => {
  const none = { accounts: [], repositories: [] };
  assert.deepEqual(catalogVisibility(ANONYMOUS), { all: false, owner: none, writer: none, reader: none });
  assert.deepEqual(catalogVisibility(CALLERS.admin.caller), { all: true });
  assert.deepEqual(catalogVisibility(CALLERS['key-other-admin'].caller), { all: false, owner: { accounts: [], repositories: ['acme/other'] }, writer: none, reader: none });
  assert.deepEqual(catalogVisibility(as('o4', [['acme', 'read_data'], ['acme/data', 'write_data'], ['acme/x', 'read_data']])), {
    all: false,
    owner: { accounts: ['o4'], repositories: [] },
    writer: { accounts: [], repositories: ['acme/data'] },
    reader: { accounts: ['acme'], repositories: [] },
  });
});
