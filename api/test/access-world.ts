// The cast of the authorisation matrix, built over real HTTP on a test server:
// one person's repositories and one organisation's, in each visibility, and a
// persona for every kind of caller, each with the rank it should hold on each
// repository written out by hand (read_data 1, write_data 2, maintainers 3,
// owners 4, admin 5) — the tests' oracle, independent of the access rule.
import assert from 'node:assert/strict';
import type { DataConnection, Visibility } from '@meridian/core/accounts/accounts.types';
import { assertStatus, Browser, type Reply } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

export const ADMIN = { email: 'root@example.org', password: 'the admin password' };
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'restricted'];
/** In every matrix repository's title, for filtering listings down to them. */
export const MATRIX_WORD = 'matrixtoken';

export const PERSON = 'mx-owner';
export const ORG = 'mx-org';
export const CONNECTION = 'shared';

export interface RepoCase {
  account: string;
  repository: string;
  visibility: Visibility;
  /** `{account}/{repository}` */
  path: string;
  /** Its STAC collection id. */
  collectionId: string;
  /** Whose it is: the person's or the organisation's. */
  owner: 'person' | 'org';
}

export interface Persona {
  name: string;
  /** Undefined for the anonymous caller. */
  browser: Browser;
  accountId?: string;
  /** Rank on the person's repositories and on the organisation (and its repositories). */
  ranks: { person: number; org: number };
  /** Role on the person's repositories, or on the organisation, that membership gives it. */
  membership?: { on: 'person' | 'org'; role: string };
}

export interface World {
  server: TestServer;
  admin: Browser;
  personOwner: Browser;
  orgOwner: Browser;
  personas: Persona[];
  repos: RepoCase[];
  browser(): Browser;
  rank(persona: Persona, repo: Pick<RepoCase, 'owner'>): number;
}

export const apiPath = (r: Pick<RepoCase, 'account' | 'repository'>) => `/api/v1/repositories/${r.account}/${r.repository}`;

/** Refused for lack of rank: 401 to the anonymous caller, 403 to the signed-in. */
export const refusal = (persona: Persona) => (persona.accountId === undefined ? 401 : 403);

/** The published, enabled repository is there at all for this rank. */
export const seesRepository = (rank: number, visibility: Visibility) => visibility !== 'restricted' || rank >= 1;
/** … and it appears in listings and search. */
export const listsRepository = (rank: number, visibility: Visibility) =>
  visibility === 'public' || (visibility === 'unlisted' ? rank >= 2 : rank >= 1);

/** The status an action needing `need` gets on a published, enabled repository. */
export function expectedStatus(persona: Persona, rank: number, visibility: Visibility, need: number, ok: number): number {
  if (!seesRepository(rank, visibility)) return 404;
  return rank >= need ? ok : refusal(persona);
}

export async function createConnection(server: TestServer, id: string, allowed: Visibility[], ownerId = 'admin'): Promise<void> {
  const now = new Date().toISOString();
  const connection: DataConnection = {
    id, name: `Connection ${id}`, ownerId, details: { kind: 'filesystem', root: `${server.dataDir}/${id}` }, readOnly: false,
    allowedVisibilities: allowed, createdAt: now, updatedAt: now,
  };
  await server.metadata.createDataConnection(connection);
}

export async function createRepo(b: Browser, account: string, id: string, fields: Record<string, unknown> = {}): Promise<Reply> {
  return b.post(`/api/v1/accounts/${account}/repositories`, { id, title: `Repository ${id}`, dataConnectionId: CONNECTION, ...fields });
}

/** Invites `persona` to `resource` (an organisation id or `{account}/{repository}`) as `inviter`, and accepts as the persona. */
export async function joinAs(inviter: Browser, invitee: Browser, resource: string, role: string): Promise<void> {
  const members = resource.includes('/') ? `/api/v1/repositories/${resource}/members` : `/api/v1/accounts/${resource}/members`;
  assertStatus(await inviter.post(members, { memberId: invitee.accountId, role }), 201);
  const accepted = await invitee.post(`/api/v1/invitations/${resource}/accept`, {});
  assertStatus(accepted, 200);
  assert.equal(accepted.body.state, 'member');
}

/** Every page of a listing, following `next`; asserts no page is over `limit` and nothing comes twice. */
export async function collectPages(b: Browser, path: string, key: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await b.get(`${path}${separator}limit=${limit}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    assertStatus(reply, 200);
    assert.ok(reply.body[key].length <= limit, `a page of ${reply.body[key].length} over the limit ${limit}`);
    if (reply.body.next !== undefined) assert.equal(reply.body[key].length, limit, 'only the last page may be short');
    items.push(...reply.body[key]);
    next = reply.body.next;
    assert.ok(++pages < 500, 'the listing ends');
  } while (next);
  const ids = items.map((item) => item.id ?? `${item.resource}|${item.memberId}`);
  assert.equal(new Set(ids).size, ids.length, `nothing twice: ${ids.join(', ')}`);
  return { items, pages };
}

/** Starts a server and builds the cast: personas signed in, repositories created and published, memberships accepted. */
export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  const server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env });
  const browser = () => new Browser(server.url);
  await createConnection(server, CONNECTION, [...VISIBILITIES]);
  const admin = browser();
  assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  const personOwner = await browser().as(PERSON);
  const orgOwner = await browser().as('og-owners');
  assertStatus(await orgOwner.post('/api/v1/organizations', { id: ORG, name: 'Matrix Organisation' }), 201);

  const repos: RepoCase[] = [];
  for (const visibility of VISIBILITIES) {
    for (const [owner, account, b, prefix] of [['person', PERSON, personOwner, 'p'], ['org', ORG, orgOwner, 'o']] as const) {
      const repository = `${prefix}-${visibility}`;
      const created = await createRepo(b, account, repository, {
        title: `${owner === 'person' ? 'Personal' : 'Organisation'} ${visibility} ${MATRIX_WORD}`, visibility, state: 'published', tags: ['matrix', visibility],
      });
      assertStatus(created, 201);
      repos.push({ account, repository, visibility, path: `${account}/${repository}`, collectionId: `${account}.${repository}`, owner });
    }
  }

  const personas: Persona[] = [
    { name: 'anonymous', browser: browser(), ranks: { person: 0, org: 0 } },
    { name: 'outsider', browser: await browser().as('outsider'), accountId: 'outsider', ranks: { person: 0, org: 0 } },
  ];
  const roles = [['owners', 4], ['maintainers', 3], ['write_data', 2], ['read_data', 1]] as const;
  for (const [role, rank] of roles) {
    const id = `rp-${role.replace('_', '-')}`;
    const b = await browser().as(id);
    for (const repo of repos.filter((r) => r.owner === 'person')) await joinAs(personOwner, b, repo.path, role);
    personas.push({ name: `repository ${role}`, browser: b, accountId: id, ranks: { person: rank, org: 0 }, membership: { on: 'person', role } });
  }
  personas.push({ name: 'organisation owners (its creator)', browser: orgOwner, accountId: 'og-owners', ranks: { person: 0, org: 4 }, membership: { on: 'org', role: 'owners' } });
  for (const [role, rank] of roles) {
    const id = `og-${role.replace('_', '-')}-m`;
    const b = await browser().as(id);
    await joinAs(orgOwner, b, ORG, role);
    personas.push({ name: `organisation ${role}`, browser: b, accountId: id, ranks: { person: 0, org: rank }, membership: { on: 'org', role } });
  }
  personas.push({ name: 'owner (the owning person)', browser: personOwner, accountId: PERSON, ranks: { person: 4, org: 0 } });
  personas.push({ name: 'admin', browser: admin, accountId: 'admin', ranks: { person: 5, org: 5 } });

  return { server, admin, personOwner, orgOwner, personas, repos, browser, rank: (persona, repo) => persona.ranks[repo.owner] };
}
