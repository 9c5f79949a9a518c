// The one contract every MetadataStore adapter passes (DESIGN.md §2), run against
// each engine that serves it: dynalite (embedded default) and DynamoDB Local here,
// Amazon DynamoDB in production. It knows no backend: cursors are opaque, list
// order is not part of the port, so lists are compared as sets.
//
// Usage, in an adapter's test file:
//   metadataStoreContract('dynalite', async () => ({ store, close }));
// Each open() must give a store whose tables are empty or missing (a fresh server,
// or a fresh table prefix); the suite calls ensureTables() itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Account, ApiKey, DataConnection, Membership, Repository } from '../accounts/accounts.types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { ListOptions, ListPage, MetadataStore, Session } from './metadata-store.port.ts';

export interface OpenedStore {
  store: MetadataStore;
  close(): Promise<void>;
}

type Open = () => Promise<OpenedStore>;

// ------------------------------------------------------------------ fixtures

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';

function account(id: string, overrides: Partial<Account> = {}): Account {
  return {
    id,
    type: 'individual',
    profile: { name: `Person ${id}` },
    flags: { admin: false, createRepositories: true, createOrganizations: false },
    email: `${id}@example.org`,
    disabled: false,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function organization(id: string): Account {
  const { email: _none, ...rest } = account(id, { type: 'organization', profile: { name: `Org ${id}`, ror: 'https://ror.org/02mhbdp94' } });
  return rest;
}

function repository(accountId: string, repositoryId: string, overrides: Partial<Repository> = {}): Repository {
  return {
    accountId,
    repositoryId,
    title: `Repository ${repositoryId}`,
    description: 'Monthly surface temperature grids.',
    tags: ['climate', 'temperature'],
    license: 'CC-BY-4.0',
    visibility: 'public',
    state: 'published',
    disabled: false,
    featured: false,
    dataConnectionId: 'default',
    prefix: `${accountId}/${repositoryId}/`,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function membership(resource: string, memberId: string, overrides: Partial<Membership> = {}): Membership {
  return { resource, memberId, role: 'read_data', state: 'invited', invitedBy: 'owner', createdAt: T0, updatedAt: T0, ...overrides };
}

function apiKey(accessKeyId: string, accountId: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    accessKeyId,
    accountId,
    name: `key ${accessKeyId}`,
    secretCiphertext: `v1.iv.${accessKeyId}.ciphertext.tag`,
    revoked: false,
    createdAt: T0,
    ...overrides,
  };
}

function dataConnection(id: string, overrides: Partial<DataConnection> = {}): DataConnection {
  return {
    id,
    name: `Connection ${id}`,
    ownerId: 'admin',
    details: { kind: 'filesystem', root: `/data/${id}` },
    readOnly: false,
    allowedVisibilities: ['public', 'unlisted', 'restricted'],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function session(idHash: string, accountId: string, expiresInMs = 3_600_000): Session {
  const now = Date.now();
  return {
    idHash,
    accountId,
    csrfToken: `csrf-${idHash}`,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + expiresInMs).toISOString(),
  };
}

const keyId = (n: number) => `MRDN${String(n).padStart(16, '0')}`;

// ------------------------------------------------------------------ helpers

async function withStore(open: Open, run: (store: MetadataStore) => Promise<void>): Promise<void> {
  const opened = await open();
  try {
    await opened.store.ensureTables();
    await run(opened.store);
  } finally {
    await opened.close();
  }
}

/**
 * Follows `next` until the last page; checks every page respects the limit, that
 * only the last page is short, and that there are no more pages than needed: a
 * listing that fills its pages exactly does not end on an empty one.
 */
async function listAll<T>(list: (options: ListOptions) => Promise<ListPage<T>>, limit: number, expectedCount: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list({ limit, cursor });
    pages++;
    assert.ok(page.items.length <= limit, `a page holds at most ${limit} items, got ${page.items.length}`);
    assert.ok(pages <= Math.max(1, Math.ceil(expectedCount / limit)), `listing ${expectedCount} entries ${limit} at a time takes ${pages} pages or more`);
    if (page.next !== undefined) {
      assert.equal(typeof page.next, 'string');
      assert.equal(page.items.length, limit, 'only the last page is short');
    }
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  assert.equal(items.length, expectedCount);
  return items;
}

function assertSameSet(actual: string[], expected: string[], label: string): void {
  assert.equal(new Set(actual).size, actual.length, `${label}: no entry is listed twice (${actual.join(', ')})`);
  assert.deepEqual([...actual].sort(), [...expected].sort(), label);
}

/** Runs `count` calls at once; returns how many resolved and the rejections. */
async function race(count: number, call: (i: number) => Promise<unknown>): Promise<{ winners: number[]; errors: unknown[] }> {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => call(i)));
  const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  return { winners, errors };
}

function assertAllConflicts(errors: unknown[], expected: number): void {
  assert.equal(errors.length, expected);
  for (const error of errors) assert.ok(error instanceof ConflictError, `expected ConflictError, got ${String(error)}`);
}

const MALFORMED_CURSORS = [
  'not a cursor!',
  Buffer.from('not json').toString('base64url'),
  Buffer.from('[1,2]').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from(JSON.stringify({ unexpected: 'x' })).toString('base64url'),
  Buffer.from(JSON.stringify({ id: 5 })).toString('base64url'),
  '',
];

// ------------------------------------------------------------------ the suite

export function metadataStoreContract(name: string, open: Open): void {
  describe(`metadata store contract: ${name}`, () => {
    test('ensureTables twice (and on a store in use) is fine', async () => {
      await withStore(open, async (store) => {
        await store.createAccount(account('ada'));
        await store.ensureTables();
        await store.ensureTables();
        assert.deepEqual(await store.getAccount('ada'), account('ada'));
      });
    });

    describe('accounts', () => {
      test('round trip of an individual and an organisation; absent ones read as undefined', async () => {
        await withStore(open, async (store) => {
          assert.equal(await store.hasAccounts(), false);
          const ada = account('ada-lovelace', {
            profile: {
              name: 'Ada Lovelace', bio: 'Analyst', location: 'London', website: 'https://example.org/ada', avatar: 'avatars/ada.png',
              orcid: 'https://orcid.org/0000-0002-1825-0097',
            },
            flags: { admin: true, createRepositories: true, createOrganizations: true },
            email: 'Ada@Example.org',
          });
          await store.createAccount(ada);
          await store.createAccount(organization('analytical-society'));
          assert.equal(await store.hasAccounts(), true);
          assert.deepEqual(await store.getAccount('ada-lovelace'), ada);
          assert.deepEqual(await store.getAccount('analytical-society'), organization('analytical-society'));
          assert.equal(await store.getAccount('nobody'), undefined);
          // Emails match whatever their case.
          assert.deepEqual(await store.getAccountByEmail('ada@example.org'), ada);
          assert.deepEqual(await store.getAccountByEmail('ADA@EXAMPLE.ORG'), ada);
          assert.equal(await store.getAccountByEmail('nobody@example.org'), undefined);
        });
      });

      test('a taken account id is a ConflictError, and the loser\'s email stays free', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada', { email: 'ada@example.org' }));
          await assert.rejects(store.createAccount(account('ada', { email: 'other@example.org', profile: { name: 'Impostor' } })), ConflictError);
          assert.equal((await store.getAccount('ada'))?.profile.name, 'Person ada');
          assert.equal(await store.getAccountByEmail('other@example.org'), undefined);
          // The failed create released its claim on the email: another account may have it.
          await store.createAccount(account('grace', { email: 'other@example.org' }));
          assert.equal((await store.getAccountByEmail('other@example.org'))?.id, 'grace');
        });
      });

      test('a taken email, in any case, is a ConflictError and creates nothing', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada', { email: 'ada@example.org' }));
          await assert.rejects(store.createAccount(account('ada2', { email: 'ada@example.org' })), ConflictError);
          await assert.rejects(store.createAccount(account('ada3', { email: ' ADA@example.ORG ' })), ConflictError);
          assert.equal(await store.getAccount('ada2'), undefined);
          assert.equal(await store.getAccount('ada3'), undefined);
          assert.equal((await store.getAccountByEmail('ada@example.org'))?.id, 'ada');
        });
      });

      test('update replaces the account when updatedAt matches; a stale copy or a missing account is refused', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada'));
          const renamed = account('ada', { profile: { name: 'Ada King' }, disabled: true, updatedAt: T1 });
          await store.updateAccount(renamed, T0);
          assert.deepEqual(await store.getAccount('ada'), renamed);
          // A writer still holding the T0 copy loses.
          await assert.rejects(store.updateAccount(account('ada', { profile: { name: 'Stale' }, updatedAt: T2 }), T0), ConflictError);
          assert.deepEqual(await store.getAccount('ada'), renamed);
          await assert.rejects(store.updateAccount(account('ghost', { updatedAt: T1 }), T0), NotFoundError);
          assert.equal(await store.getAccount('ghost'), undefined);
        });
      });

      test('changing the email moves the claim: the new one finds the account, the old one is free', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada', { email: 'ada@old.example' }));
          await store.createAccount(account('grace', { email: 'grace@example.org' }));
          await store.updateAccount(account('ada', { email: 'ada@new.example', updatedAt: T1 }), T0);
          assert.equal((await store.getAccountByEmail('ada@new.example'))?.id, 'ada');
          assert.equal(await store.getAccountByEmail('ada@old.example'), undefined);
          await store.createAccount(account('someone', { email: 'ada@old.example' }));
          assert.equal((await store.getAccountByEmail('ada@old.example'))?.id, 'someone');
          // An email another account holds cannot be taken by an update, and nothing changes.
          await assert.rejects(store.updateAccount(account('ada', { email: 'grace@example.org', updatedAt: T2 }), T1), ConflictError);
          assert.equal((await store.getAccount('ada'))?.email, 'ada@new.example');
          assert.equal((await store.getAccountByEmail('grace@example.org'))?.id, 'grace');
          // A stale update that changes the email leaves the new email unclaimed.
          await assert.rejects(store.updateAccount(account('ada', { email: 'ada@third.example', updatedAt: T2 }), T0), ConflictError);
          assert.equal(await store.getAccountByEmail('ada@third.example'), undefined);
          await store.createAccount(account('third', { email: 'ada@third.example' }));
        });
      });

      test('delete removes the account, frees its email and forgets its password; stale or missing ones are refused', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada', { email: 'Ada@example.org' }));
          await store.setPasswordHash('ada', 'hash');
          await store.updateAccount(account('ada', { email: 'Ada@example.org', updatedAt: T1 }), T0);
          await assert.rejects(store.deleteAccount('ada', T0), ConflictError, 'a stale copy does not delete');
          assert.equal((await store.getAccount('ada'))?.id, 'ada');
          await store.deleteAccount('ada', T1);
          assert.equal(await store.getAccount('ada'), undefined);
          assert.equal(await store.getAccountByEmail('ada@example.org'), undefined);
          assert.equal(await store.getPasswordHash('ada'), undefined);
          assert.equal(await store.hasAccounts(), false);
          await assert.rejects(store.deleteAccount('ada', T1), NotFoundError);
          // The id and the email are free again.
          await store.createAccount(account('ada', { email: 'other@example.org' }));
          await store.createAccount(account('grace', { email: 'ada@example.org' }));
          assert.equal((await store.getAccountByEmail('ADA@example.org'))?.id, 'grace');
          await store.createAccount(organization('society'));
          await store.deleteAccount('society', T0);
          assert.equal(await store.getAccount('society'), undefined);
        });
      });

      test('listing pages through every account once; bad limits and malformed cursors are ValidationErrors', async () => {
        await withStore(open, async (store) => {
          const ids = Array.from({ length: 7 }, (_, i) => `account-${i}`);
          for (const id of ids) await store.createAccount(account(id));
          const listed = await listAll((o) => store.listAccounts(o), 2, ids.length);
          assertSameSet(listed.map((a) => a.id), ids, 'listAccounts');
          assert.deepEqual(listed.find((a) => a.id === 'account-3'), account('account-3'));
          for (const cursor of MALFORMED_CURSORS) {
            await assert.rejects(store.listAccounts({ limit: 2, cursor }), ValidationError, `cursor ${JSON.stringify(cursor)}`);
          }
          for (const limit of [0, -1, 1.5, Number.NaN]) await assert.rejects(store.listAccounts({ limit }), ValidationError, `limit ${limit}`);
        });
      });

      test('password hashes are kept apart: set, overwrite, read; account reads never carry them', async () => {
        await withStore(open, async (store) => {
          await store.createAccount(account('ada'));
          assert.equal(await store.getPasswordHash('ada'), undefined);
          await store.setPasswordHash('ada', '$argon2id$v=19$m=65536,t=3,p=4$first');
          await store.setPasswordHash('ada', '$argon2id$v=19$m=65536,t=3,p=4$second');
          assert.equal(await store.getPasswordHash('ada'), '$argon2id$v=19$m=65536,t=3,p=4$second');
          const reads = [await store.getAccount('ada'), await store.getAccountByEmail('ada@example.org'), ...(await store.listAccounts({ limit: 10 })).items];
          for (const read of reads) {
            assert.deepEqual(read, account('ada'));
            assert.doesNotMatch(JSON.stringify(read), /argon2/);
          }
        });
      });
    });

    describe('sign-in state', () => {
      test('sessions: round trip, deleted ones are gone, expired ones read as absent, ids are unique', async () => {
        await withStore(open, async (store) => {
          const live = session('a'.repeat(64), 'ada');
          await store.createSession(live);
          assert.deepEqual(await store.getSession(live.idHash), live);
          await assert.rejects(store.createSession({ ...live, accountId: 'mallory' }), ConflictError);
          assert.deepEqual(await store.getSession(live.idHash), live);
          await store.deleteSession(live.idHash);
          assert.equal(await store.getSession(live.idHash), undefined);
          await store.deleteSession(live.idHash); // deleting twice is fine
          assert.equal(await store.getSession('b'.repeat(64)), undefined);

          const expired = session('c'.repeat(64), 'ada', -1000);
          await store.createSession(expired);
          assert.equal(await store.getSession(expired.idHash), undefined);
        });
      });

      test('countAttempt counts per key and window, from 1', async () => {
        await withStore(open, async (store) => {
          assert.equal(await store.countAttempt('login:ada', 3600), 1);
          assert.equal(await store.countAttempt('login:ada', 3600), 2);
          assert.equal(await store.countAttempt('login:ada', 3600), 3);
          assert.equal(await store.countAttempt('login:grace', 3600), 1);
          assert.equal(await store.countAttempt('login:ada', 86400), 1, 'another window length is another counter');
          for (const window of [0, -5, 1.5]) await assert.rejects(store.countAttempt('login:ada', window), ValidationError);
        });
      });

      test('countAttempt is atomic: parallel calls get distinct counts', async () => {
        await withStore(open, async (store) => {
          await store.countAttempt('ip:192.0.2.1', 3600);
          const counts = await Promise.all(Array.from({ length: 20 }, () => store.countAttempt('ip:192.0.2.1', 3600)));
          assert.deepEqual([...counts].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 2));
          assert.equal(await store.countAttempt('ip:192.0.2.1', 3600), 22);
        });
      });
    });

    describe('repositories', () => {
      test('round trip; absent ones read as undefined; the same id under another account is another repository', async () => {
        await withStore(open, async (store) => {
          const full = repository('ada', 'temperature', { visibility: 'restricted', featured: true, state: 'draft' });
          const { license: _none, ...bare } = repository('ada', 'bare', { description: '', tags: [] });
          await store.createRepository(full);
          await store.createRepository(bare);
          await store.createRepository(repository('grace', 'temperature', { title: 'Grace\'s' }));
          assert.deepEqual(await store.getRepository('ada', 'temperature'), full);
          assert.deepEqual(await store.getRepository('ada', 'bare'), bare);
          assert.equal((await store.getRepository('grace', 'temperature'))?.title, 'Grace\'s');
          assert.equal(await store.getRepository('ada', 'nothing'), undefined);
          assert.equal(await store.getRepository('nobody', 'temperature'), undefined);
        });
      });

      test('a taken {account}/{repository} is a ConflictError and the first one is kept', async () => {
        await withStore(open, async (store) => {
          await store.createRepository(repository('ada', 'temperature'));
          await assert.rejects(store.createRepository(repository('ada', 'temperature', { title: 'Second' })), ConflictError);
          assert.deepEqual(await store.getRepository('ada', 'temperature'), repository('ada', 'temperature'));
        });
      });

      test('update with the current updatedAt replaces; stale is a ConflictError; missing is a NotFoundError', async () => {
        await withStore(open, async (store) => {
          await store.createRepository(repository('ada', 'temperature'));
          const published = repository('ada', 'temperature', { title: 'Renamed', tags: ['x'], visibility: 'unlisted', updatedAt: T1 });
          await store.updateRepository(published, T0);
          assert.deepEqual(await store.getRepository('ada', 'temperature'), published);
          await assert.rejects(store.updateRepository(repository('ada', 'temperature', { title: 'Stale', updatedAt: T2 }), T0), ConflictError);
          assert.deepEqual(await store.getRepository('ada', 'temperature'), published);
          await assert.rejects(store.updateRepository(repository('ada', 'ghost', { updatedAt: T1 }), T0), NotFoundError);
          assert.equal(await store.getRepository('ada', 'ghost'), undefined);
        });
      });

      test('delete removes it (and listings forget it); deleting a missing one is a NotFoundError', async () => {
        await withStore(open, async (store) => {
          await store.createRepository(repository('ada', 'temperature'));
          await store.createRepository(repository('ada', 'rainfall'));
          await store.deleteRepository('ada', 'temperature');
          assert.equal(await store.getRepository('ada', 'temperature'), undefined);
          await assert.rejects(store.deleteRepository('ada', 'temperature'), NotFoundError);
          assert.deepEqual((await store.listRepositories({ limit: 10 })).items.map((r) => r.repositoryId), ['rainfall']);
          assert.deepEqual((await store.listRepositories({ limit: 10, accountId: 'ada' })).items.map((r) => r.repositoryId), ['rainfall']);
          // The id is free again.
          await store.createRepository(repository('ada', 'temperature', { title: 'Again' }));
          assert.equal((await store.getRepository('ada', 'temperature'))?.title, 'Again');
        });
      });

      test('listing all, and one account\'s, pages through every repository once', async () => {
        await withStore(open, async (store) => {
          const ada = Array.from({ length: 7 }, (_, i) => repository('ada', `repo-${i}`));
          const grace = Array.from({ length: 4 }, (_, i) => repository('grace', `repo-${i}`));
          for (const r of [...ada, ...grace]) await store.createRepository(r);
          const path = (r: Repository) => `${r.accountId}/${r.repositoryId}`;
          const all = await listAll((o) => store.listRepositories(o), 3, 11);
          assertSameSet(all.map(path), [...ada, ...grace].map(path), 'listRepositories()');
          for (const r of all) assert.deepEqual(r, repository(r.accountId, r.repositoryId), 'listed repositories come back as written');
          const ofAda = await listAll((o) => store.listRepositories({ ...o, accountId: 'ada' }), 2, 7);
          assertSameSet(ofAda.map(path), ada.map(path), 'listRepositories(ada)');
          assert.deepEqual((await store.listRepositories({ limit: 5, accountId: 'nobody' })).items, []);

          // A cursor is good only for the listing that made it.
          const adaPage = await store.listRepositories({ limit: 2, accountId: 'ada' });
          assert.ok(adaPage.next);
          await assert.rejects(store.listRepositories({ limit: 2, accountId: 'grace', cursor: adaPage.next }), ValidationError);
          for (const cursor of MALFORMED_CURSORS) {
            await assert.rejects(store.listRepositories({ limit: 2, cursor }), ValidationError);
            await assert.rejects(store.listRepositories({ limit: 2, accountId: 'ada', cursor }), ValidationError);
          }
        });
      });
    });

    describe('memberships', () => {
      test('round trip; an active membership is unique, a revoked one may be replaced by a new invitation', async () => {
        await withStore(open, async (store) => {
          const invite = membership('sea-lab', 'ada', { role: 'maintainers' });
          await store.createMembership(invite);
          assert.deepEqual(await store.getMembership('sea-lab', 'ada'), invite);
          assert.equal(await store.getMembership('sea-lab', 'grace'), undefined);
          assert.equal(await store.getMembership('other', 'ada'), undefined);
          await assert.rejects(store.createMembership(membership('sea-lab', 'ada', { role: 'owners' })), ConflictError);

          const member = { ...invite, state: 'member' as const, updatedAt: T1 };
          await store.updateMembership(member, T0);
          assert.deepEqual(await store.getMembership('sea-lab', 'ada'), member);
          await assert.rejects(store.createMembership(membership('sea-lab', 'ada')), ConflictError);
          await assert.rejects(store.updateMembership({ ...invite, state: 'revoked', updatedAt: T2 }, T0), ConflictError, 'stale');
          await assert.rejects(store.updateMembership(membership('sea-lab', 'ghost', { updatedAt: T1 }), T0), NotFoundError);

          await store.updateMembership({ ...member, state: 'revoked', updatedAt: T2 }, T1);
          const again = membership('sea-lab', 'ada', { role: 'write_data', createdAt: T2, updatedAt: T2 });
          await store.createMembership(again);
          assert.deepEqual(await store.getMembership('sea-lab', 'ada'), again);
        });
      });

      test('listMembershipsOf a resource and listMembershipsFor a member page through every entry once', async () => {
        await withStore(open, async (store) => {
          const ofOrg = Array.from({ length: 7 }, (_, i) => membership('sea-lab', `member-${i}`));
          const ofAda = [
            membership('sea-lab', 'ada', { role: 'owners', state: 'member' }),
            membership('sea-lab/temperature', 'ada', { role: 'write_data' }),
            membership('grace/rainfall', 'ada'),
            membership('other-org', 'ada'),
            membership('other-org/x', 'ada', { state: 'revoked' }),
          ];
          for (const m of [...ofOrg, ...ofAda, membership('other-org', 'grace')]) await store.createMembership(m);

          const members = await listAll((o) => store.listMembershipsOf('sea-lab', o), 2, 8);
          assertSameSet(members.map((m) => m.memberId), [...ofOrg.map((m) => m.memberId), 'ada'], 'listMembershipsOf(sea-lab)');
          for (const m of members) assert.equal(m.resource, 'sea-lab');

          const forAda = await listAll((o) => store.listMembershipsFor('ada', o), 2, ofAda.length);
          assertSameSet(forAda.map((m) => m.resource), ofAda.map((m) => m.resource), 'listMembershipsFor(ada)');
          for (const m of forAda) assert.deepEqual(m, ofAda.find((x) => x.resource === m.resource));
          assert.deepEqual((await store.listMembershipsFor('nobody', { limit: 5 })).items, []);

          const page = await store.listMembershipsFor('ada', { limit: 2 });
          assert.ok(page.next);
          await assert.rejects(store.listMembershipsFor('grace', { limit: 2, cursor: page.next }), ValidationError);
          for (const cursor of MALFORMED_CURSORS) {
            await assert.rejects(store.listMembershipsOf('sea-lab', { limit: 2, cursor }), ValidationError);
            await assert.rejects(store.listMembershipsFor('ada', { limit: 2, cursor }), ValidationError);
          }
        });
      });
    });

    describe('API keys', () => {
      test('round trip; duplicate ids are refused; a revoked key reads back revoked', async () => {
        await withStore(open, async (store) => {
          const scoped = apiKey(keyId(1), 'ada', { repository: 'ada/temperature', expiresAt: '2027-01-01T00:00:00.000Z' });
          await store.createApiKey(scoped);
          assert.deepEqual(await store.getApiKey(keyId(1)), scoped);
          assert.equal(await store.getApiKey(keyId(99)), undefined);
          await assert.rejects(store.createApiKey(apiKey(keyId(1), 'mallory')), ConflictError);
          assert.deepEqual(await store.getApiKey(keyId(1)), scoped);

          await store.revokeApiKey(keyId(1));
          assert.deepEqual(await store.getApiKey(keyId(1)), { ...scoped, revoked: true });
          await store.revokeApiKey(keyId(1)); // revoking twice is fine
          assert.equal((await store.getApiKey(keyId(1)))?.revoked, true);
          assert.equal((await store.listApiKeys('ada', { limit: 10 })).items[0]?.revoked, true);
          await assert.rejects(store.revokeApiKey(keyId(99)), NotFoundError);
          assert.equal(await store.getApiKey(keyId(99)), undefined, 'revoking a missing key does not create it');
        });
      });

      test('listApiKeys pages through one account\'s keys once each', async () => {
        await withStore(open, async (store) => {
          const ada = Array.from({ length: 7 }, (_, i) => apiKey(keyId(i), 'ada', { createdAt: `2026-01-0${1 + (i % 3)}T00:00:00.000Z` }));
          for (const k of [...ada, apiKey(keyId(50), 'grace'), apiKey(keyId(51), 'grace')]) await store.createApiKey(k);
          const listed = await listAll((o) => store.listApiKeys('ada', o), 2, 7);
          assertSameSet(listed.map((k) => k.accessKeyId), ada.map((k) => k.accessKeyId), 'listApiKeys(ada)');
          for (const k of listed) assert.deepEqual(k, ada.find((x) => x.accessKeyId === k.accessKeyId));
          assert.deepEqual((await store.listApiKeys('nobody', { limit: 5 })).items, []);
          for (const cursor of MALFORMED_CURSORS) await assert.rejects(store.listApiKeys('ada', { limit: 2, cursor }), ValidationError);
        });
      });
    });

    describe('data connections', () => {
      test('round trip of both kinds; duplicates, stale updates and missing ones are refused', async () => {
        await withStore(open, async (store) => {
          const fs = dataConnection('default');
          const s3 = dataConnection('archive', {
            details: {
              kind: 's3', bucket: 'meridian-archive', prefixTemplate: '{account}/{repository}/', region: 'eu-west-1',
              endpoint: 'https://s3.example.org', accessKeyId: 'AKIAEXAMPLE', secretCiphertext: 'v1.iv.secret.tag',
            },
            readOnly: true,
            allowedVisibilities: ['public'],
          });
          await store.createDataConnection(fs);
          await store.createDataConnection(s3);
          assert.deepEqual(await store.getDataConnection('default'), fs);
          assert.deepEqual(await store.getDataConnection('archive'), s3);
          assert.equal(await store.getDataConnection('nothing'), undefined);
          await assert.rejects(store.createDataConnection(dataConnection('default', { name: 'Second' })), ConflictError);

          const renamed = { ...fs, name: 'Local disk', updatedAt: T1 };
          await store.updateDataConnection(renamed, T0);
          assert.deepEqual(await store.getDataConnection('default'), renamed);
          await assert.rejects(store.updateDataConnection({ ...fs, name: 'Stale', updatedAt: T2 }, T0), ConflictError);
          await assert.rejects(store.updateDataConnection(dataConnection('ghost', { updatedAt: T1 }), T0), NotFoundError);

          await store.deleteDataConnection('archive');
          assert.equal(await store.getDataConnection('archive'), undefined);
          await assert.rejects(store.deleteDataConnection('archive'), NotFoundError);
        });
      });

      test('listing pages through every connection once, with no empty last page', async () => {
        await withStore(open, async (store) => {
          // Six entries, two a page: three full pages and no empty fourth.
          const ids = Array.from({ length: 6 }, (_, i) => `connection-${i}`);
          for (const id of ids) await store.createDataConnection(dataConnection(id));
          const listed = await listAll((o) => store.listDataConnections(o), 2, 6);
          assertSameSet(listed.map((c) => c.id), ids, 'listDataConnections');
          for (const c of listed) assert.deepEqual(c, dataConnection(c.id));
          for (const cursor of MALFORMED_CURSORS) await assert.rejects(store.listDataConnections({ limit: 2, cursor }), ValidationError);
        });
      });
    });

    describe('concurrency: of concurrent conflicting writes exactly one wins', () => {
      test('25 parallel createRepository of one id', async () => {
        await withStore(open, async (store) => {
          const { winners, errors } = await race(25, (i) => store.createRepository(repository('ada', 'contested', { title: `writer ${i}` })));
          assert.equal(winners.length, 1, `exactly one create resolves, ${winners.length} did`);
          assertAllConflicts(errors, 24);
          assert.equal((await store.getRepository('ada', 'contested'))?.title, `writer ${winners[0]}`);
        });
      });

      test('25 parallel createAccount with one email and different ids', async () => {
        await withStore(open, async (store) => {
          const { winners, errors } = await race(25, (i) => store.createAccount(account(`contender-${i}`, { email: 'contested@example.org' })));
          assert.equal(winners.length, 1, `exactly one create resolves, ${winners.length} did`);
          assertAllConflicts(errors, 24);
          assert.equal((await store.getAccountByEmail('contested@example.org'))?.id, `contender-${winners[0]}`);
          const existing = await listAll((o) => store.listAccounts(o), 10, 1);
          assert.deepEqual(existing.map((a) => a.id), [`contender-${winners[0]}`], 'the losers left no account behind');
        });
      });

      test('25 parallel createAccount with one id and different emails; the losers\' emails stay free', async () => {
        await withStore(open, async (store) => {
          const { winners, errors } = await race(25, (i) => store.createAccount(account('contested', { email: `contender-${i}@example.org` })));
          assert.equal(winners.length, 1);
          assertAllConflicts(errors, 24);
          const winner = winners[0];
          assert.equal((await store.getAccount('contested'))?.email, `contender-${winner}@example.org`);
          const loser = winner === 0 ? 1 : 0;
          assert.equal(await store.getAccountByEmail(`contender-${loser}@example.org`), undefined);
          await store.createAccount(account('late', { email: `contender-${loser}@example.org` }));
        });
      });

      test('25 parallel updates from one read (same expectedUpdatedAt)', async () => {
        await withStore(open, async (store) => {
          await store.createRepository(repository('ada', 'edited'));
          const { winners, errors } = await race(25, (i) =>
            store.updateRepository(repository('ada', 'edited', { title: `edit ${i}`, updatedAt: `2026-02-01T00:00:00.${String(i).padStart(3, '0')}Z` }), T0));
          assert.equal(winners.length, 1);
          assertAllConflicts(errors, 24);
          assert.equal((await store.getRepository('ada', 'edited'))?.title, `edit ${winners[0]}`);
        });
      });

      test('25 parallel invitations of one member to one resource', async () => {
        await withStore(open, async (store) => {
          const { winners, errors } = await race(25, (i) => store.createMembership(membership('sea-lab', 'ada', { invitedBy: `owner-${i}` })));
          assert.equal(winners.length, 1);
          assertAllConflicts(errors, 24);
          assert.equal((await store.getMembership('sea-lab', 'ada'))?.invitedBy, `owner-${winners[0]}`);
        });
      });
    });
  });
}
