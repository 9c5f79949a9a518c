// API keys over real HTTP: created by people for themselves and by organisation
// owners for their organisation, used by programs as bearer tokens, revoked at
// once, expiring on time, scoped to one repository.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Membership, Repository, Role } from '@meridian/core/accounts/accounts.types';
import { assertStatus, Browser, PASSWORD, type Json, type Reply } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ADMIN = { email: 'root@example.org', password: 'the admin password' };
const HOUR = 3_600_000;
const KEY_ID = /^MRDN[A-Z2-7]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{40}$/;

let server: TestServer;
/** Added to the real time: moves the server's clock forward. */
let offset = 0;
const client = (bearer?: string) => new Browser(server.url, bearer);
const keysOf = (account: string) => `/api/v1/accounts/${account}/api-keys`;

const T0 = new Date().toISOString();
function repository(accountId: string, repositoryId: string, overrides: Partial<Repository> = {}): Repository {
  return {
    accountId, repositoryId, title: repositoryId, description: '', tags: [], visibility: 'public', state: 'published', disabled: false,
    featured: false, dataConnectionId: 'local', prefix: `${accountId}/${repositoryId}/`, createdAt: T0, updatedAt: T0, ...overrides,
  };
}
function member(resource: string, memberId: string, role: Role): Membership {
  return { resource, memberId, role, state: 'member', invitedBy: 'olga', createdAt: T0, updatedAt: T0 };
}

/** Creates a key as `owner` and returns the 201 body (with the secret). */
async function createKey(owner: Browser, account: string, body: Record<string, unknown> = {}): Promise<Json> {
  const reply = await owner.post(keysOf(account), { name: 'a key', ...body });
  assertStatus(reply, 201);
  return reply.body;
}

/** Every file under `dir`, read whole. */
function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)));
}

let admin: Browser, ada: Browser, bob: Browser, olga: Browser, mona: Browser, walt: Browser, rita: Browser;

before(async () => {
  server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, { clock: () => Date.now() + offset });
  admin = client();
  assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  [ada, bob, olga, mona, walt, rita] = await Promise.all(['ada', 'bob', 'olga', 'mona', 'walt', 'rita'].map((id) => client().as(id)));
  assertStatus(await olga.post('/api/v1/organizations', { id: 'ocean-lab', name: 'Ocean Lab' }), 201);
  await server.metadata.createMembership(member('ocean-lab', 'mona', 'maintainers'));
  await server.metadata.createMembership(member('ocean-lab', 'walt', 'write_data'));
  await server.metadata.createMembership(member('ocean-lab', 'rita', 'read_data'));
  for (const r of [repository('ada', 'sst'), repository('ada', 'other'), repository('ada', 'private', { visibility: 'restricted' }), repository('ocean-lab', 'buoys')]) {
    await server.metadata.createRepository(r);
  }
});
after(() => server?.close());

describe('creating and reading keys', () => {
  test('the secret is shown once, at creation, and never again', async () => {
    const created = await ada.post(keysOf('ada'), { name: 'laptop' });
    assertStatus(created, 201);
    const key = created.body;
    assert.match(key.accessKeyId, KEY_ID);
    assert.match(key.secretAccessKey, SECRET);
    assert.equal(key.token, `${key.accessKeyId}.${key.secretAccessKey}`);
    assert.deepEqual(Object.keys(key).sort(), ['accessKeyId', 'accountId', 'createdAt', 'name', 'secretAccessKey', 'status', 'token']);
    assert.equal(key.accountId, 'ada');
    assert.equal(key.status, 'active');
    assert.equal(created.headers.get('location'), `/api/v1/accounts/ada/api-keys/${key.accessKeyId}`);
    assert.equal(created.headers.get('cache-control'), 'no-store');

    const reads: Reply[] = [await ada.get(keysOf('ada')), await ada.get(`${keysOf('ada')}/${key.accessKeyId}`), await admin.get(keysOf('ada'))];
    for (const reply of reads) {
      assertStatus(reply, 200);
      assert.ok(!reply.text.includes(key.secretAccessKey), 'no read shows the secret');
      assert.doesNotMatch(reply.text, /secret|token|ciphertext/i, 'nor any field about it');
    }
    const listed = reads[0].body.apiKeys.find((k: Json) => k.accessKeyId === key.accessKeyId);
    assert.deepEqual(listed, { accessKeyId: key.accessKeyId, accountId: 'ada', name: 'laptop', status: 'active', createdAt: key.createdAt });
    assert.deepEqual(reads[1].body, listed);
  });

  test('the secret is encrypted at rest: not in the store\'s record, nor anywhere in its files', async () => {
    const key = await createKey(ada, 'ada', { name: 'at rest' });
    const record = await server.metadata.getApiKey(key.accessKeyId);
    assert.ok(record);
    const raw = JSON.stringify(record);
    for (const form of [key.secretAccessKey, Buffer.from(key.secretAccessKey).toString('base64'), Buffer.from(key.secretAccessKey).toString('hex')]) {
      assert.ok(!raw.includes(form), 'the record does not hold the secret in any plain encoding');
    }
    assert.match(record.secretCiphertext, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    const secret = Buffer.from(key.secretAccessKey);
    for (const file of filesUnder(join(server.dataDir, 'metadata'))) assert.equal(file.indexOf(secret), -1, 'no store file holds the secret');
    // The server's key lives beside the data, readable by its owner only.
    assert.equal(statSync(join(server.dataDir, 'secret-key')).mode & 0o777, 0o600);
  });

  test('expiry and scope are kept and shown', async () => {
    const expiresAt = new Date(Date.now() + offset + 30 * 24 * HOUR).toISOString();
    const key = await createKey(ada, 'ada', { name: 'scoped', repository: 'ada/sst', expiresAt });
    assert.equal(key.repository, 'ada/sst');
    assert.equal(key.expiresAt, expiresAt);
    const read = await ada.get(`${keysOf('ada')}/${key.accessKeyId}`);
    assert.equal(read.body.repository, 'ada/sst');
    assert.equal(read.body.expiresAt, expiresAt);
  });

  test('listing pages with limit and cursor', async () => {
    const pal = await client().as('paged');
    const made = new Set<string>();
    for (let i = 0; i < 5; i++) made.add((await createKey(pal, 'paged', { name: `key ${i}` })).accessKeyId);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const reply = await pal.get(`${keysOf('paged')}?limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      assertStatus(reply, 200);
      assert.ok(reply.body.apiKeys.length <= 2);
      seen.push(...reply.body.apiKeys.map((k: Json) => k.accessKeyId));
      next = reply.body.next;
    } while (next);
    assert.deepEqual(new Set(seen), made);
    assert.equal(seen.length, 5);
    assertStatus(await pal.get(`${keysOf('paged')}?limit=0`), 400, /limit must be an integer from 1 to 100/);
    assertStatus(await pal.get(`${keysOf('paged')}?limit=101`), 400, /limit/);
    assertStatus(await pal.get(`${keysOf('paged')}?cursor=garbage`), 400, /cursor/);
  });
});

describe('programs authenticate with a key as a bearer token', () => {
  test('the key acts as its account, without a CSRF token', async () => {
    const key = await createKey(ada, 'ada', { name: 'program' });
    const program = client(key.token);
    const whoami = await program.get('/api/v1/session');
    assertStatus(whoami, 200);
    assert.equal(whoami.body.account.id, 'ada');
    assert.equal(whoami.body.account.email, 'ada@example.org');
    assert.equal(whoami.body.apiKey.accessKeyId, key.accessKeyId);
    assert.equal(whoami.body.csrfToken, undefined, 'a key has no session and needs no CSRF token');
    assertStatus(await program.patch('/api/v1/accounts/ada', { bio: 'written by a program' }), 200);
    assert.equal((await client().get('/api/v1/accounts/ada')).body.profile.bio, 'written by a program');
    assertStatus(await program.patch('/api/v1/accounts/bob', { bio: 'not mine' }), 403);
  });

  test('a key decides alone: a cookie sent along is not consulted', async () => {
    const key = await createKey(ada, 'ada', { name: 'with cookie' });
    const mixed = client(key.token);
    mixed.cookie = bob.cookie;
    const whoami = await mixed.get('/api/v1/session');
    assert.equal(whoami.body.account.id, 'ada');
    assertStatus(await mixed.patch('/api/v1/accounts/bob', { bio: 'through the cookie?' }, false), 403);
  });

  test('a wrong secret or an unknown key is 401 with WWW-Authenticate, and says nothing about the key', async () => {
    const key = await createKey(ada, 'ada', { name: 'guessed' });
    const otherSecret = key.secretAccessKey.slice(0, -1) + (key.secretAccessKey.endsWith('A') ? 'B' : 'A');
    for (const token of [`${key.accessKeyId}.${otherSecret}`, `MRDNAAAAAAAAAAAAAAAA.${key.secretAccessKey}`]) {
      const reply = await client(token).get('/api/v1/accounts/ada');
      assertStatus(reply, 401, /^the API key is not valid/);
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer realm="meridian", error="invalid_token"/);
    }
  });

  test('a bearer value that is not an API key is left alone: the admin token and anonymous reads work as before', async () => {
    const notAKey = client('some-other-bearer-token-of-forty-characters');
    assertStatus(await notAKey.get('/api/v1/session'), 401, /sign in first/);
    assertStatus(await notAKey.get('/api/v1/accounts/ada'), 200);
    const withCookie = client('some-other-bearer-token');
    withCookie.cookie = ada.cookie;
    assert.equal((await withCookie.get('/api/v1/session')).body.account.id, 'ada', 'the session cookie still counts');
    // The STAC API's transaction endpoints still take the admin token as a bearer.
    const adminToken = client(server.adminToken);
    const withToken = await adminToken.request('DELETE', '/stac/collections/no-such-collection');
    assert.ok([204, 404].includes(withToken.status), `the admin token is accepted (got ${withToken.status})`);
    assertStatus(await client().request('DELETE', '/stac/collections/no-such-collection'), 401);
  });

  test('revocation takes effect at once: the next request with the key is 401', async () => {
    const key = await createKey(ada, 'ada', { name: 'to revoke' });
    const program = client(key.token);
    assertStatus(await program.get('/api/v1/session'), 200);
    assertStatus(await ada.delete(`${keysOf('ada')}/${key.accessKeyId}`), 204);
    assertStatus(await program.get('/api/v1/session'), 401, /revoked/);
    assertStatus(await program.patch('/api/v1/accounts/ada', { bio: 'after revocation' }), 401, /revoked/);
    assert.notEqual((await client().get('/api/v1/accounts/ada')).body.profile.bio, 'after revocation');
    const read = await ada.get(`${keysOf('ada')}/${key.accessKeyId}`);
    assert.equal(read.body.status, 'revoked');
    assertStatus(await ada.delete(`${keysOf('ada')}/${key.accessKeyId}`), 204, undefined);
    assertStatus(await program.get('/api/v1/session'), 401);
  });

  test('an expired key is 401 from its expiry on', async () => {
    const expiresAt = new Date(Date.now() + offset + HOUR).toISOString();
    const key = await createKey(ada, 'ada', { name: 'short-lived', expiresAt });
    const program = client(key.token);
    assertStatus(await program.get('/api/v1/session'), 200);
    offset += HOUR;
    try {
      assertStatus(await program.get('/api/v1/session'), 401, /expired/);
      assertStatus(await program.get('/api/v1/accounts/ada'), 401, /expired/);
      assert.equal((await ada.get(`${keysOf('ada')}/${key.accessKeyId}`)).body.status, 'expired');
    } finally {
      offset -= HOUR;
    }
  });

  test('a disabled account\'s keys stop working at once, and work again when it is enabled', async () => {
    const dora = await client().as('dora');
    const key = await createKey(dora, 'dora', { name: 'dora\'s' });
    const program = client(key.token);
    assertStatus(await program.get('/api/v1/session'), 200);
    assertStatus(await admin.patch('/api/v1/accounts/dora/flags', { disabled: true }), 200);
    assertStatus(await program.get('/api/v1/session'), 401, /disabled/);
    assertStatus(await admin.patch('/api/v1/accounts/dora/flags', { disabled: false }), 200);
    assertStatus(await program.get('/api/v1/session'), 200);
  });

  test('a key scoped to a repository does nothing on its account', async () => {
    const key = await createKey(ada, 'ada', { name: 'sst only', repository: 'ada/sst' });
    const scoped = client(key.token);
    const whoami = await scoped.get('/api/v1/session');
    assertStatus(whoami, 200);
    assert.equal(whoami.body.apiKey.repository, 'ada/sst');
    assertStatus(await scoped.patch('/api/v1/accounts/ada', { bio: 'from a scoped key' }), 403);
    assertStatus(await scoped.post(keysOf('ada'), { name: 'escalate' }), 403);
    assertStatus(await scoped.get(keysOf('ada')), 403);
    assertStatus(await scoped.post('/api/v1/organizations', { id: 'scoped-org', name: 'No' }), 403);
    assertStatus(await scoped.get('/api/v1/data-connections'), 403);
    assertStatus(await client().get('/api/v1/accounts/scoped-org'), 404);
  });

  test('a key scoped to a repository cannot act on another repository', async (t) => {
    const probe = await ada.get('/api/v1/repositories/ada/sst');
    if (probe.status === 404 && /no resource at/.test(probe.text)) {
      t.skip('the repositories endpoints are not mounted yet');
      return;
    }
    const key = await createKey(ada, 'ada', { name: 'sst writer', repository: 'ada/sst' });
    const scoped = client(key.token);
    assertStatus(await scoped.get('/api/v1/repositories/ada/sst'), 200);
    assertStatus(await scoped.patch('/api/v1/repositories/ada/sst', { title: 'Sea surface temperature' }), 200);
    assertStatus(await scoped.patch('/api/v1/repositories/ada/other', { title: 'Not through this key' }), 403);
    assertStatus(await scoped.get('/api/v1/repositories/ada/private'), 404, undefined);
    assertStatus(await scoped.delete('/api/v1/repositories/ada/other'), 403);
    assert.equal((await ada.get('/api/v1/repositories/ada/other')).body.title, 'other');
  });
});

describe('who may manage keys: every endpoint × every kind of caller', () => {
  test('a person\'s keys: the person, admins and the person\'s own account keys; an organisation\'s: its owners, admins and their keys', async () => {
    const adaKey = client((await createKey(ada, 'ada', { name: 'matrix' })).token);
    const adaScoped = client((await createKey(ada, 'ada', { name: 'matrix scoped', repository: 'ada/sst' })).token);
    const bobKey = client((await createKey(bob, 'bob', { name: 'matrix' })).token);
    const olgaKey = client((await createKey(olga, 'olga', { name: 'matrix' })).token);
    const labKey = client((await createKey(olga, 'ocean-lab', { name: 'the lab\'s own' })).token);
    const monaKey = client((await createKey(mona, 'mona', { name: 'matrix' })).token);
    const callers: Record<string, Browser> = {
      anonymous: client(), outsider: bob, ada, 'org owner': olga, 'org maintainer': mona, 'org write_data': walt, 'org read_data': rita, admin,
      'ada\'s key': adaKey, 'ada\'s key scoped to ada/sst': adaScoped, 'outsider\'s key': bobKey, 'org owner\'s key': olgaKey,
      'the organisation\'s key': labKey, 'maintainer\'s key': monaKey,
    };
    const targets = [
      { account: 'ada', owner: ada, allowed: new Set(['ada', 'admin', 'ada\'s key']) },
      { account: 'ocean-lab', owner: olga, allowed: new Set(['org owner', 'admin', 'org owner\'s key', 'the organisation\'s key']) },
    ];
    const summary: string[] = [];
    for (const { account, owner, allowed } of targets) {
      const probe = await createKey(owner, account, { name: 'probe' });
      for (const [name, caller] of Object.entries(callers)) {
        const ok = allowed.has(name);
        const refusal = name === 'anonymous' ? 401 : 403;
        const count = async () => (await owner.get(`${keysOf(account)}?limit=100`)).body.apiKeys.length;
        const before = await count();

        const created = await caller.post(keysOf(account), { name: `by ${name}` });
        assertStatus(created, ok ? 201 : refusal);
        assert.equal(await count(), before + (ok ? 1 : 0), `${name} POST ${account}: ${ok ? 'one key more' : 'no key created'}`);
        assertStatus(await caller.get(keysOf(account)), ok ? 200 : refusal);
        assertStatus(await caller.get(`${keysOf(account)}/${probe.accessKeyId}`), ok ? 200 : refusal);
        const victim = await createKey(owner, account, { name: `revoked by ${name}?` });
        assertStatus(await caller.delete(`${keysOf(account)}/${victim.accessKeyId}`), ok ? 204 : refusal);
        assert.equal((await owner.get(`${keysOf(account)}/${victim.accessKeyId}`)).body.status, ok ? 'revoked' : 'active', `${name} DELETE ${account}`);
        summary.push(`${account} ${name}: ${ok ? 'allowed' : refusal}`);
      }
    }
    assert.equal(summary.length, 28);
  });

  test('organisation keys act as the organisation', async () => {
    const labKey = client((await createKey(olga, 'ocean-lab', { name: 'acts as the lab' })).token);
    const whoami = await labKey.get('/api/v1/session');
    assert.equal(whoami.body.account.id, 'ocean-lab');
    assertStatus(await labKey.patch('/api/v1/accounts/ocean-lab', { bio: 'Set by the lab\'s key' }), 200);
    assertStatus(await labKey.patch('/api/v1/accounts/olga', { bio: 'not the lab\'s' }), 403);
  });
});

describe('bad input: a clear 400 and nothing changed', () => {
  test('create: every malformed field is refused by name and no key is made', async () => {
    const now = Date.now() + offset;
    const cases: [unknown, RegExp][] = [
      [{}, /name is required/],
      [{ name: '' }, /name must not be empty/],
      [{ name: '   ' }, /name must not be empty/],
      [{ name: 'x'.repeat(101) }, /name is too long: at most 100 characters/],
      [{ name: 'two\nlines' }, /control characters/],
      [{ name: 7 }, /name must be a string/],
      [{ name: 'k', secret: 'mine' }, /unknown field "secret"/],
      [{ name: 'k', accessKeyId: 'MRDNAAAAAAAAAAAAAAAA' }, /unknown field "accessKeyId"/],
      [{ name: 'k', expiresAt: 'tomorrow' }, /expiresAt "tomorrow" is not an RFC 3339 date-time/],
      [{ name: 'k', expiresAt: '2027-02-30T00:00:00Z' }, /not an RFC 3339 date-time/],
      [{ name: 'k', expiresAt: new Date(now - 1000).toISOString() }, /expiresAt must be in the future/],
      [{ name: 'k', expiresAt: new Date(now + 3 * 365 * 24 * HOUR).toISOString() }, /at most 2 years away/],
      [{ name: 'k', expiresAt: 1893456000 }, /expiresAt must be a string/],
      [{ name: 'k', repository: 'ada' }, /not a repository name: expected \{account\}\/\{repository\}/],
      [{ name: 'k', repository: 'ada/sst/extra' }, /not a repository name/],
      [{ name: 'k', repository: 'Ada/SST' }, /not a repository name/],
      [{ name: 'k', repository: 'ada/no-such-repository' }, /repository ada\/no-such-repository does not exist/],
      [[{ name: 'k' }], /must be a JSON object/],
      ['k', /not valid JSON/],
    ];
    const before = (await ada.get(`${keysOf('ada')}?limit=100`)).body.apiKeys.length;
    for (const [body, message] of cases) assertStatus(await ada.post(keysOf('ada'), body), 400, message);
    // A restricted repository the caller may not see is answered as a missing one.
    assertStatus(await bob.post(keysOf('bob'), { name: 'k', repository: 'ada/private' }), 400, /repository ada\/private does not exist/);
    const raw = await fetch(`${server.url}${keysOf('ada')}`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: ada.cookie!, 'x-csrf-token': ada.csrfToken! }, body: '{"name": ',
    });
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as Json).description, /not valid JSON/);
    assert.equal((await ada.get(`${keysOf('ada')}?limit=100`)).body.apiKeys.length, before, 'no key was made');
  });

  test('paths: malformed ids are 400, unknown ones 404, another account\'s key is not found here', async () => {
    const adaKey = await createKey(ada, 'ada', { name: 'not bob\'s' });
    assertStatus(await ada.post(keysOf('Not_An_Id'), { name: 'k' }), 400, /not a valid account id/);
    assertStatus(await admin.get(keysOf('no-such-account')), 404);
    assertStatus(await ada.delete(`${keysOf('ada')}/not-a-key-id`), 400, /not an access key id/);
    assertStatus(await ada.get(`${keysOf('ada')}/MRDNAAAAAAAAAAAAAAAA`), 404);
    assertStatus(await bob.delete(`${keysOf('bob')}/${adaKey.accessKeyId}`), 404);
    assert.equal((await ada.get(`${keysOf('ada')}/${adaKey.accessKeyId}`)).body.status, 'active');
  });

  test('a cookie-authenticated create needs the CSRF token; without it nothing is made', async () => {
    const before = (await ada.get(`${keysOf('ada')}?limit=100`)).body.apiKeys.length;
    assertStatus(await ada.post(keysOf('ada'), { name: 'forged' }, false), 403, /CSRF/);
    assert.equal((await ada.get(`${keysOf('ada')}?limit=100`)).body.apiKeys.length, before);
  });
});

test('the session password is not needed by programs: sign-in stays for people', async () => {
  // A key cannot be used as a password, nor a password as a key.
  const key = await createKey(ada, 'ada', { name: 'not a password' });
  assertStatus(await client().post('/api/v1/session', { email: 'ada@example.org', password: key.secretAccessKey }), 401);
  assertStatus(await client(`${key.accessKeyId}.${PASSWORD.padEnd(40, 'x').replace(/ /g, '_')}`).get('/api/v1/session'), 401, /not valid/);
});
