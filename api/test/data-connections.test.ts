// Data connections over real HTTP: created by admins, read by anyone signed in —
// never with credentials —, changed and deleted by their owners and admins; and
// the `local` connection a fresh installation starts with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Membership, Repository, Role } from '@meridian/core/accounts/accounts.types';
import { open } from '@meridian/core/crypto/secret-box';
import { assertStatus, Browser, PASSWORD, recordReplies, type Json, type Reply } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ADMIN = { email: 'root@example.org', password: 'the admin password' };
const CONNECTIONS = '/api/v1/data-connections';
const at = (id: string) => `${CONNECTIONS}/${id}`;

// Credentials that must never come back from any endpoint.
const S3_KEY_ID = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
const S3_SECRET = `wJalr/${randomBytes(24).toString('base64url')}`;
const ROTATED_KEY_ID = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
const ROTATED_SECRET = `rot/${randomBytes(24).toString('base64url')}`;
const CREDENTIALS = [S3_KEY_ID, S3_SECRET, ROTATED_KEY_ID, ROTATED_SECRET];

const replies: Reply[] = [];
recordReplies(replies);

let server: TestServer;
const client = (bearer?: string) => new Browser(server.url, bearer);
const T0 = new Date().toISOString();

function repository(accountId: string, repositoryId: string, dataConnectionId: string, overrides: Partial<Repository> = {}): Repository {
  return {
    accountId, repositoryId, title: repositoryId, description: '', tags: [], visibility: 'public', state: 'published', disabled: false,
    featured: false, dataConnectionId, prefix: `${accountId}/${repositoryId}/`, createdAt: T0, updatedAt: T0, ...overrides,
  };
}
function member(resource: string, memberId: string, role: Role): Membership {
  return { resource, memberId, role, state: 'member', invitedBy: 'olga', createdAt: T0, updatedAt: T0 };
}

let counter = 0;
/** A filesystem connection made by the admin, owned as `ownerId` says. */
async function makeConnection(ownerId: string | null, extra: Record<string, unknown> = {}): Promise<Json> {
  const id = `conn-${++counter}`;
  const reply = await admin.post(CONNECTIONS, { id, name: `Connection ${counter}`, ownerId, details: { kind: 'filesystem', root: `/srv/meridian/${id}` }, ...extra });
  assertStatus(reply, 201);
  return reply.body;
}

async function createKey(owner: Browser, account: string, body: Record<string, unknown> = {}): Promise<string> {
  const reply = await owner.post(`/api/v1/accounts/${account}/api-keys`, { name: 'data connections test', ...body });
  assertStatus(reply, 201);
  return reply.body.token;
}

let admin: Browser, pat: Browser, bob: Browser, olga: Browser, mona: Browser, walt: Browser, rita: Browser;

before(async () => {
  server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  admin = client();
  assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  [pat, bob, olga, mona, walt, rita] = await Promise.all(['pat', 'bob', 'olga', 'mona', 'walt', 'rita'].map((id) => client().as(id)));
  assertStatus(await olga.post('/api/v1/organizations', { id: 'ocean-lab', name: 'Ocean Lab' }), 201);
  await server.metadata.createMembership(member('ocean-lab', 'mona', 'maintainers'));
  await server.metadata.createMembership(member('ocean-lab', 'walt', 'write_data'));
  await server.metadata.createMembership(member('ocean-lab', 'rita', 'read_data'));
  await server.metadata.createRepository(repository('admin', 'tools', 'anywhere'));
});
after(() => server?.close());

describe('creating and reading', () => {
  test('a filesystem connection: defaults, Location, the same on every read', async () => {
    const created = await admin.post(CONNECTIONS, { id: 'scratch', name: 'Scratch disk', details: { kind: 'filesystem', root: '/srv/scratch/' } });
    assertStatus(created, 201);
    assert.equal(created.headers.get('location'), '/api/v1/data-connections/scratch');
    const { createdAt, updatedAt, ...rest } = created.body;
    assert.deepEqual(rest, {
      id: 'scratch', name: 'Scratch disk', ownerId: 'admin', details: { kind: 'filesystem', root: '/srv/scratch' },
      readOnly: false, allowedVisibilities: ['public', 'unlisted', 'restricted'],
    });
    assert.equal(createdAt, updatedAt);
    assert.deepEqual((await pat.get(at('scratch'))).body, created.body);
    const listed = await bob.get(CONNECTIONS);
    assertStatus(listed, 200);
    assert.deepEqual(listed.body.dataConnections.find((c: Json) => c.id === 'scratch'), created.body);
  });

  test('an S3 connection: credentials are stored encrypted and never returned, only that there are some', async () => {
    const created = await admin.post(CONNECTIONS, {
      id: 'archive', name: 'Archive bucket', ownerId: 'pat', readOnly: true, allowedVisibilities: ['restricted', 'public'],
      details: {
        kind: 's3', bucket: 'meridian-archive', prefixTemplate: 'meridian/{account}/{repository}/', region: 'eu-west-1',
        endpoint: 'https://s3.example.org/', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET,
      },
    });
    assertStatus(created, 201);
    assert.deepEqual(created.body.details, {
      kind: 's3', bucket: 'meridian-archive', prefixTemplate: 'meridian/{account}/{repository}/', region: 'eu-west-1',
      endpoint: 'https://s3.example.org', hasCredentials: true,
    });
    assert.deepEqual(created.body.allowedVisibilities, ['public', 'restricted']);
    assert.equal(created.body.readOnly, true);
    assert.equal(created.body.ownerId, 'pat');
    for (const reader of [admin, pat, bob]) {
      const read = await reader.get(at('archive'));
      assert.deepEqual(read.body, created.body);
    }

    // At rest: the record holds the access key id (not secret) and a sealed secret that opens only with the server's key.
    const record = await server.metadata.getDataConnection('archive');
    const sealed = record?.details.kind === 's3' ? record.details.secretCiphertext : undefined;
    assert.ok(sealed);
    assert.ok(!JSON.stringify(record).includes(S3_SECRET), 'the secret is not stored in the clear');
    const serverKey = Buffer.from(readFileSync(join(server.dataDir, 'secret-key'), 'utf8').trim(), 'base64');
    assert.equal(open(serverKey, sealed, 'data-connection:archive'), S3_SECRET);
    assert.throws(() => open(serverKey, sealed, 'data-connection:other'), 'bound to its record');
    for (const entry of readdirSync(join(server.dataDir, 'metadata'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      assert.equal(readFileSync(join(entry.parentPath, entry.name)).indexOf(S3_SECRET), -1, `${entry.name} does not hold the secret`);
    }
  });

  test('credentials can be rotated and removed, and are still never returned', async () => {
    const rotated = await pat.patch(at('archive'), { details: { accessKeyId: ROTATED_KEY_ID, secretAccessKey: ROTATED_SECRET } });
    assertStatus(rotated, 200);
    assert.equal(rotated.body.details.hasCredentials, true);
    const record = await server.metadata.getDataConnection('archive');
    assert.ok(record?.details.kind === 's3');
    assert.equal(record.details.accessKeyId, ROTATED_KEY_ID);
    const removed = await admin.post(CONNECTIONS, {
      id: 'public-bucket', name: 'A public bucket', details: { kind: 's3', bucket: 'open-data', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET },
    });
    assertStatus(removed, 201);
    const cleared = await admin.patch(at('public-bucket'), { details: { accessKeyId: null, secretAccessKey: null } });
    assertStatus(cleared, 200);
    assert.equal(cleared.body.details.hasCredentials, false);
    const stored = await server.metadata.getDataConnection('public-bucket');
    assert.ok(stored?.details.kind === 's3' && stored.details.accessKeyId === undefined && stored.details.secretCiphertext === undefined);
  });

  test('listing pages with limit and cursor', async () => {
    for (let i = 0; i < 3; i++) await makeConnection(null);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const reply = await bob.get(`${CONNECTIONS}?limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      assertStatus(reply, 200);
      assert.ok(reply.body.dataConnections.length <= 2);
      seen.push(...reply.body.dataConnections.map((c: Json) => c.id));
      next = reply.body.next;
    } while (next);
    assert.equal(new Set(seen).size, seen.length);
    for (const id of ['scratch', 'archive', 'public-bucket', `conn-${counter}`]) assert.ok(seen.includes(id), id);
    assertStatus(await bob.get(`${CONNECTIONS}?limit=0`), 400, /limit/);
    assertStatus(await bob.get(`${CONNECTIONS}?cursor=%%%`), 400, /cursor/);
  });
});

describe('changing and deleting', () => {
  test('the owner renames, flips read-only and sets visibilities; where the bytes live and who owns it is for admins', async () => {
    const connection = await makeConnection('pat');
    const renamed = await pat.patch(at(connection.id), { name: 'Pat\'s disk', readOnly: true, allowedVisibilities: ['public'] });
    assertStatus(renamed, 200);
    assert.equal(renamed.body.name, 'Pat\'s disk');
    assert.equal(renamed.body.readOnly, true);
    assert.deepEqual(renamed.body.allowedVisibilities, ['public']);
    assert.ok(renamed.body.updatedAt > connection.updatedAt);
    const before = (await admin.get(at(connection.id))).body;
    assertStatus(await pat.patch(at(connection.id), { details: { root: '/etc' } }), 403, /only admins change where the bytes live/);
    assertStatus(await pat.patch(at(connection.id), { ownerId: 'bob' }), 403, /only admins change the owner/);
    assert.deepEqual((await admin.get(at(connection.id))).body, before, 'refusals change nothing');
    const moved = await admin.patch(at(connection.id), { details: { root: '/srv/elsewhere' }, ownerId: 'ocean-lab' });
    assertStatus(moved, 200);
    assert.equal(moved.body.details.root, '/srv/elsewhere');
    assert.equal(moved.body.ownerId, 'ocean-lab');
    assertStatus(await pat.patch(at(connection.id), { name: 'No longer mine' }), 403);
    assertStatus(await olga.patch(at(connection.id), { name: 'The lab\'s disk' }), 200);
    const adminsOnly = await admin.patch(at(connection.id), { ownerId: null });
    assert.equal(adminsOnly.body.ownerId, null);
    assertStatus(await olga.patch(at(connection.id), { name: 'Still the lab\'s?' }), 403);
  });

  test('a connection used by repositories cannot be deleted (409), nor lose their visibility; then it can', async () => {
    const connection = await makeConnection('pat');
    await server.metadata.createRepository(repository('pat', 'notes', connection.id, { visibility: 'unlisted' }));
    await server.metadata.createRepository(repository('pat', 'maps', connection.id));
    assertStatus(await pat.delete(at(connection.id)), 409, /used by 2 repositories \(pat\/(notes|maps), pat\/(notes|maps)\)/);
    assertStatus(await admin.delete(at(connection.id)), 409);
    assertStatus(await pat.patch(at(connection.id), { allowedVisibilities: ['public'] }), 409, /pat\/notes \(unlisted\)/);
    assertStatus(await pat.get(at(connection.id)), 200);
    assert.deepEqual((await pat.get(at(connection.id))).body.allowedVisibilities, ['public', 'unlisted', 'restricted']);
    assertStatus(await pat.patch(at(connection.id), { allowedVisibilities: ['public', 'unlisted'] }), 200);
    await server.metadata.deleteRepository('pat', 'notes');
    await server.metadata.deleteRepository('pat', 'maps');
    assertStatus(await pat.delete(at(connection.id)), 204);
    assertStatus(await pat.get(at(connection.id)), 404);
    assertStatus(await pat.delete(at(connection.id)), 404);
  });
});

describe('who may do what: every endpoint × every kind of caller', () => {
  test('create (admins), read (signed in, not repository-scoped keys), change and delete (owner, organisation owners, admins)', async () => {
    const callers: Record<string, Browser> = {
      anonymous: client(), outsider: bob, 'owner pat': pat, 'org owner': olga, 'org maintainer': mona, 'org write_data': walt, 'org read_data': rita, admin,
      'admin\'s key': client(await createKey(admin, 'admin')),
      'admin\'s key scoped to admin/tools': client(await createKey(admin, 'admin', { repository: 'admin/tools' })),
      'pat\'s key': client(await createKey(pat, 'pat')),
      'org owner\'s key': client(await createKey(olga, 'olga')),
      'the organisation\'s key': client(await createKey(olga, 'ocean-lab')),
      'outsider\'s key': client(await createKey(bob, 'bob')),
    };
    const admins = ['admin', 'admin\'s key'];
    const managers: Record<string, string[]> = {
      pat: [...admins, 'owner pat', 'pat\'s key'],
      'ocean-lab': [...admins, 'org owner', 'org owner\'s key', 'the organisation\'s key'],
      'admins only': admins,
    };
    const refusal = (name: string) => (name === 'anonymous' ? 401 : 403);
    const probes = { pat: await makeConnection('pat'), 'ocean-lab': await makeConnection('ocean-lab'), 'admins only': await makeConnection(null) };
    let checks = 0;
    for (const [name, caller] of Object.entries(callers)) {
      // Create.
      const id = `made-${checks}`;
      const made = await caller.post(CONNECTIONS, { id, name: 'Made', details: { kind: 'filesystem', root: '/srv/made' } });
      assertStatus(made, admins.includes(name) ? 201 : refusal(name));
      if (!admins.includes(name)) assertStatus(await admin.get(at(id)), 404);
      // Read.
      const readable = name !== 'anonymous' && !name.includes('scoped');
      assertStatus(await caller.get(CONNECTIONS), readable ? 200 : refusal(name));
      assertStatus(await caller.get(at(probes.pat.id)), readable ? 200 : refusal(name));
      // Change and delete, on connections owned by a person, an organisation and the admins.
      for (const [owner, allowed] of Object.entries(managers)) {
        const ok = allowed.includes(name);
        const probe = probes[owner as keyof typeof probes];
        const before = (await admin.get(at(probe.id))).body;
        const patched = await caller.patch(at(probe.id), { name: `renamed by ${name}` });
        assertStatus(patched, ok ? 200 : refusal(name));
        if (!ok) assert.deepEqual((await admin.get(at(probe.id))).body, before, `${name} PATCH ${owner}: unchanged`);
        const victim = await makeConnection(owner === 'admins only' ? null : owner);
        assertStatus(await caller.delete(at(victim.id)), ok ? 204 : refusal(name));
        assertStatus(await admin.get(at(victim.id)), ok ? 404 : 200);
        checks += 2;
      }
      checks += 3;
    }
    assert.equal(checks, Object.keys(callers).length * 9);
  });
});

describe('bad input: a clear 400 and nothing created or changed', () => {
  test('create: every malformed field is refused by name', async () => {
    const base = { id: 'bad-input', name: 'Bad input', details: { kind: 'filesystem', root: '/srv/bad-input' } };
    const s3 = (details: Record<string, unknown>) => ({ ...base, details: { kind: 's3', bucket: 'good-bucket', ...details } });
    const cases: [unknown, RegExp][] = [
      [{ ...base, id: undefined }, /id is required/],
      [{ ...base, id: 'Bad_Id' }, /not a valid data connection id/],
      [{ ...base, id: 'ab' }, /not a valid data connection id/],
      [{ ...base, name: undefined }, /name is required/],
      [{ ...base, name: '' }, /name must not be empty/],
      [{ ...base, name: 'x'.repeat(101) }, /name is too long: at most 100/],
      [{ ...base, details: undefined }, /details is required/],
      [{ ...base, details: 'filesystem' }, /details must be a JSON object/],
      [{ ...base, details: { kind: 'ftp', root: '/srv' } }, /details.kind must be filesystem or s3/],
      [{ ...base, details: { root: '/srv' } }, /details.kind is required/],
      [{ ...base, details: { kind: 'filesystem' } }, /root is required/],
      [{ ...base, details: { kind: 'filesystem', root: 'relative/dir' } }, /root must be an absolute path/],
      [{ ...base, details: { kind: 'filesystem', root: '/' } }, /must not be \/ \(the whole filesystem\)/],
      [{ ...base, details: { kind: 'filesystem', root: '/srv/../etc' } }, /normalised path/],
      [{ ...base, details: { kind: 'filesystem', root: '/srv', bucket: 'x' } }, /details has unknown field "bucket"/],
      [{ ...base, details: { kind: 's3' } }, /bucket is required/],
      [s3({ bucket: 'My_Bucket' }), /not a valid bucket name: it may contain only lowercase/],
      [s3({ bucket: 'ab' }), /3 to 63 characters/],
      [s3({ bucket: '10.0.0.1' }), /IP address/],
      [s3({ prefixTemplate: '{owner}/' }), /only the placeholders \{account\} and \{repository\}/],
      [s3({ prefixTemplate: '/{account}/' }), /must not start with \//],
      [s3({ prefixTemplate: '{account}/../x/' }), /segments/],
      [s3({ region: 'EU West' }), /not a region name/],
      [s3({ endpoint: 'ftp://s3.example.org' }), /endpoint must be an http or https URL, not ftp/],
      [s3({ endpoint: 's3.example.org' }), /endpoint is not a valid URL/],
      [s3({ endpoint: 'https://me:pw@s3.example.org' }), /must not contain a user name or password/],
      [s3({ accessKeyId: S3_KEY_ID }), /accessKeyId and secretAccessKey go together/],
      [s3({ secretAccessKey: S3_SECRET }), /go together/],
      [s3({ accessKeyId: 'with space', secretAccessKey: S3_SECRET }), /printable ASCII/],
      [s3({ password: S3_SECRET }), /details has unknown field "password"/],
      [{ ...base, readOnly: 'yes' }, /readOnly must be true or false/],
      [{ ...base, allowedVisibilities: [] }, /allowedVisibilities must be a non-empty array/],
      [{ ...base, allowedVisibilities: ['public', 'secret'] }, /"secret" is not a visibility/],
      [{ ...base, allowedVisibilities: ['public', 'public'] }, /twice/],
      [{ ...base, ownerId: 'no-such-account' }, /ownerId: there is no account no-such-account/],
      [{ ...base, ownerId: 'Not An Id' }, /ownerId "Not An Id" is not a valid account id/],
      [{ ...base, credentials: { accessKeyId: S3_KEY_ID } }, /unknown field "credentials"/],
      [[base], /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      assertStatus(await admin.post(CONNECTIONS, body), 400, message);
      assertStatus(await admin.get(at('bad-input')), 404);
    }
  });

  test('create: a taken id is 409 and the first connection is kept', async () => {
    const first = await makeConnection('pat');
    assertStatus(await admin.post(CONNECTIONS, { id: first.id, name: 'Second', details: { kind: 'filesystem', root: '/srv/second' } }), 409, /is taken/);
    assert.deepEqual((await admin.get(at(first.id))).body, first);
  });

  test('change: every malformed patch is refused by name and the connection stays as it was', async () => {
    const created = await admin.post(CONNECTIONS, {
      id: 'patch-target', name: 'Patch target', ownerId: 'pat',
      details: { kind: 's3', bucket: 'patch-target', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET },
    });
    assertStatus(created, 201);
    const record = await server.metadata.getDataConnection('patch-target');
    const cases: [unknown, RegExp][] = [
      [{}, /nothing to change/],
      [{ id: 'renamed' }, /unknown field "id"/],
      [{ name: '' }, /name must not be empty/],
      [{ name: 'ok', readOnly: 'no' }, /readOnly must be true or false/],
      [{ allowedVisibilities: [] }, /non-empty array/],
      [{ details: { kind: 'filesystem' } }, /details.kind cannot change from s3/],
      [{ details: { bucket: 'BAD' } }, /not a valid bucket name/],
      [{ details: { root: '/srv' } }, /unknown field "root"/],
      [{ details: { accessKeyId: ROTATED_KEY_ID } }, /go together/],
      [{ details: { secretAccessKey: null } }, /go together/],
      [{ details: { endpoint: 'gopher://x' } }, /http or https/],
      [{ details: 'bucket' }, /details must be a JSON object/],
      [{ ownerId: 'ghost-account' }, /there is no account ghost-account/],
    ];
    for (const [body, message] of cases) {
      assertStatus(await admin.patch(at('patch-target'), body), 400, message);
      assert.deepEqual(await server.metadata.getDataConnection('patch-target'), record);
    }
    assertStatus(await admin.patch(at('Bad_Id'), { name: 'x' }), 400, /not a valid data connection id/);
    assertStatus(await admin.get(at('Bad_Id')), 400, /not a valid data connection id/);
    assertStatus(await admin.get(at('no-such-connection')), 404, /does not exist/);
    assertStatus(await admin.patch(at('no-such-connection'), { name: 'x' }), 404);
    assertStatus(await admin.delete(at('no-such-connection')), 404);
    assertStatus(await admin.patch(at('patch-target'), { name: 'forged' }, false), 403, /CSRF/);
    assert.deepEqual(await server.metadata.getDataConnection('patch-target'), record);
  });
});

describe('a fresh installation', () => {
  const main = new URL('../src/main.ts', import.meta.url).pathname;

  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /listening on (http:\/\/[\d.]+:\d+)\//.exec(stdout);
        if (match) { clearInterval(timer); resolve(match[1]); }
      }, 50);
      void exited.then(() => { clearInterval(timer); reject(new Error(`exited early: ${stderr}`)); });
    });
    listening.catch(() => undefined); // awaited by the tests that expect it to listen

    return { child, exited, listening, output: () => stdout + stderr };
  }

  test('starts with the local connection under DATA_DIR/files and a private secret key, neither logged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meridian-fresh-'));
    const env = { DATA_DIR: dataDir, ADMIN_EMAIL: 'first@example.org', ADMIN_PASSWORD: 'first admin password' };
    const first = run(env);
    const url = await first.listening;
    const rootAdmin = new Browser(url);
    assertStatus(await rootAdmin.signIn('first@example.org', 'first admin password'), 201);
    const local = await rootAdmin.get(at('local'));
    assertStatus(local, 200);
    const { createdAt, updatedAt, ...rest } = local.body;
    assert.deepEqual(rest, {
      id: 'local', name: 'Local files', ownerId: null, details: { kind: 'filesystem', root: join(dataDir, 'files') },
      readOnly: false, allowedVisibilities: ['public', 'unlisted', 'restricted'],
    });
    assert.ok(statSync(join(dataDir, 'files')).isDirectory());
    const keyFile = join(dataDir, 'secret-key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    // Out of the box, a person can put a repository on it.
    const person = new Browser(url);
    assertStatus(await person.signUp('newcomer'), 201);
    assertStatus(await person.signIn('newcomer@example.org', PASSWORD), 201);
    const repo = await person.post('/api/v1/accounts/newcomer/repositories', { id: 'first-data', title: 'First data', dataConnectionId: 'local' });
    if (!(repo.status === 404 && /no resource at/.test(repo.text))) assertStatus(repo, 201);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    const again = run(env);
    const url2 = await again.listening;
    const later = new Browser(url2);
    assertStatus(await later.signIn('first@example.org', 'first admin password'), 201);
    assert.deepEqual((await later.get(at('local'))).body, local.body, 'a restart leaves it as it was');
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);

    const key = readFileSync(keyFile, 'utf8').trim();
    for (const log of [first.output(), again.output()]) assert.ok(!log.includes(key), 'the secret key is never logged');
  });

  test('an invalid SECRET_KEY stops start-up with a message that does not quote it', async () => {
    const bad = randomBytes(16).toString('base64');
    const server = run({ DATA_DIR: mkdtempSync(join(tmpdir(), 'meridian-fresh-')), SECRET_KEY: bad });
    assert.equal(await server.exited, 78);
    assert.match(server.output(), /SECRET_KEY is invalid: expected the base64 encoding of 32 random bytes/);
    assert.ok(!server.output().includes(bad));
  });
});

test('no response, of any endpoint above, ever carried a credential', () => {
  assert.ok(replies.length > 300, `scanned ${replies.length} responses`);
  for (const reply of replies) {
    for (const credential of CREDENTIALS) assert.ok(!reply.text.includes(credential), `a response carried a credential: ${reply.text.slice(0, 200)}`);
    assert.doesNotMatch(reply.text, /secretCiphertext|"accessKeyId":"AKIA/, 'nor any sealed form or credential field');
    // API-key creation answers carry their own secret; no other response has such a field.
    if (reply.body?.token === undefined) assert.doesNotMatch(reply.text, /"secretAccessKey":/);
  }
});
