// API keys over a real embedded store (dynalite), with a clock the tests move.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS, callerFor, decide } from '../access/access-rule.ts';
import { loadCaller } from '../accounts/account-access.ts';
import type { Account, Repository } from '../accounts/accounts.types.ts';
import { open } from '../crypto/secret-box.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { openMetadataStore, type OpenedMetadataStore } from '../metadata-store/open-metadata-store.ts';
import { authenticateApiKey, checkAccessKey, resolveAccessKey, secretForAccessKey } from './api-key-auth.ts';
import { ACCESS_KEY_ID, apiKeySecretContext, newAccessKeyId, newSecretAccessKey, parseApiKeyToken, SECRET_ACCESS_KEY } from './api-key-format.ts';
import { checkExpiry, createApiKey, listApiKeys, revokeApiKey, type ApiKeysDeps } from './api-keys.service.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-api-keys-'));
let now = Date.parse('2026-03-01T12:00:00.000Z');
const clock = () => now;
const HOUR = 3_600_000;

let opened: OpenedMetadataStore;
let deps: ApiKeysDeps;

function account(id: string, overrides: Partial<Account> = {}): Account {
  const at = new Date(now).toISOString();
  return {
    id, type: 'individual', profile: { name: id }, flags: { admin: false, createRepositories: true, createOrganizations: true },
    email: `${id}@example.org`, disabled: false, createdAt: at, updatedAt: at, ...overrides,
  };
}

function repository(accountId: string, repositoryId: string, overrides: Partial<Repository> = {}): Repository {
  const at = new Date(now).toISOString();
  return {
    accountId, repositoryId, title: repositoryId, description: '', tags: [], visibility: 'public', state: 'published', disabled: false,
    featured: false, dataConnectionId: 'local', prefix: `${accountId}/${repositoryId}/`, createdAt: at, updatedAt: at, ...overrides,
  };
}

const ada = account('ada');
const bob = account('bob');
const callerOf = (a: Account) => callerFor(a, []);

before(async () => {
  opened = await openMetadataStore({
    dataDir: join(root, 'data'),
    metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' },
  }, { now: clock });
  deps = { store: opened.store, clock, secretKey: randomBytes(32) };
  for (const a of [ada, bob]) await deps.store.createAccount(a);
  await deps.store.createRepository(repository('ada', 'sst'));
  await deps.store.createRepository(repository('ada', 'other'));
  await deps.store.createRepository(repository('ada', 'secret', { visibility: 'restricted' }));
});
after(async () => {
  await opened?.close();
  await rm(root, { recursive: true, force: true });
});

describe('the key format', () => {
  test('access key ids are MRDN + 16 base32 characters, secrets 40 base64url characters, all distinct', () => {
    const ids = new Set<string>();
    const secrets = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newAccessKeyId();
      const secret = newSecretAccessKey();
      assert.match(id, /^MRDN[A-Z2-7]{16}$/);
      assert.equal(id.length, 20);
      assert.match(secret, /^[A-Za-z0-9_-]{40}$/);
      ids.add(id);
      secrets.add(secret);
    }
    assert.equal(ids.size, 2000);
    assert.equal(secrets.size, 2000);
    // Every base32 character turns up: the encoding is not stuck on part of the alphabet.
    const seen = new Set([...ids].flatMap((id) => [...id.slice(4)]));
    assert.equal(seen.size, 32);
  });

  test('a bearer value is an API key only in the exact form <id>.<secret>', () => {
    const id = newAccessKeyId();
    const secret = newSecretAccessKey();
    assert.deepEqual(parseApiKeyToken(`${id}.${secret}`), { accessKeyId: id, secret });
    for (const other of [
      secret, id, `${id}:${secret}`, `${id}.${secret}x`, `${id}.${secret.slice(1)}`, `${id.toLowerCase()}.${secret}`,
      `AKIA${id.slice(4)}.${secret}`, `${id}.${secret}.`, 'test-admin-token-0123456789abcdef', randomBytes(32).toString('base64url'),
    ]) assert.equal(parseApiKeyToken(other), undefined, other);
    assert.ok(ACCESS_KEY_ID.test(id) && SECRET_ACCESS_KEY.test(secret));
  });
});

describe('creating, listing and revoking', () => {
  test('the secret is returned once and stored only sealed, bound to its key', async () => {
    const created = await createApiKey(deps, callerOf(ada), 'ada', { name: '  CI upload  ' });
    assert.equal(created.key.name, 'CI upload');
    assert.equal(created.key.status, 'active');
    assert.equal(created.token, `${created.key.accessKeyId}.${created.secretAccessKey}`);
    const stored = await deps.store.getApiKey(created.key.accessKeyId);
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(created.secretAccessKey));
    assert.equal(open(deps.secretKey, stored.secretCiphertext, apiKeySecretContext(stored.accessKeyId)), created.secretAccessKey);
    assert.throws(() => open(deps.secretKey, stored.secretCiphertext, apiKeySecretContext(newAccessKeyId())));
    const listed = await listApiKeys(deps, callerOf(ada), 'ada', {});
    const text = JSON.stringify(listed);
    assert.ok(!text.includes(created.secretAccessKey) && !text.includes(stored.secretCiphertext) && !text.includes('secret'));
  });

  test('scopes: an existing repository the caller can see; others are a 400 that says it does not exist', async () => {
    const scoped = await createApiKey(deps, callerOf(ada), 'ada', { name: 'scoped', repository: 'ada/sst' });
    assert.equal(scoped.key.repository, 'ada/sst');
    await assert.rejects(createApiKey(deps, callerOf(ada), 'ada', { name: 'x', repository: 'ada/missing' }), /repository ada\/missing does not exist/);
    // bob may not see ada/secret, so for him it does not exist either.
    await assert.rejects(createApiKey(deps, callerOf(bob), 'bob', { name: 'x', repository: 'ada/secret' }), /repository ada\/secret does not exist/);
    for (const bad of ['ada', 'ada/sst/x', 'Ada/sst', '/sst', 'ada/', 5]) {
      await assert.rejects(createApiKey(deps, callerOf(ada), 'ada', { name: 'x', repository: bad }), ValidationError, String(bad));
    }
  });

  test('expiry: RFC 3339, in the future, at most two years away', () => {
    assert.equal(checkExpiry('2026-03-01T13:00:00+01:00', now - 1), '2026-03-01T12:00:00.000Z');
    assert.equal(checkExpiry('2028-03-01T12:00:00Z', now), '2028-03-01T12:00:00.000Z');
    assert.throws(() => checkExpiry('2028-03-01T12:00:00.001Z', now), /at most 2 years away/);
    assert.throws(() => checkExpiry('2026-03-01T12:00:00Z', now), /in the future/);
    for (const bad of ['tomorrow', '2027-02-30T00:00:00Z', '2027-01-01', '2027-01-01T00:00:00', 20270101]) {
      assert.throws(() => checkExpiry(bad, now), ValidationError);
    }
  });

  test('only those the access rule lets manage the account\'s keys', async () => {
    await assert.rejects(createApiKey(deps, ANONYMOUS, 'ada', { name: 'x' }), UnauthorizedError);
    await assert.rejects(createApiKey(deps, callerOf(bob), 'ada', { name: 'x' }), ForbiddenError);
    await assert.rejects(listApiKeys(deps, callerOf(bob), 'ada', {}), ForbiddenError);
    const mine = await createApiKey(deps, callerOf(ada), 'ada', { name: 'mine' });
    await assert.rejects(revokeApiKey(deps, callerOf(bob), 'ada', mine.key.accessKeyId), ForbiddenError);
    // A key of ada's, addressed under bob's account, is not found there.
    await assert.rejects(revokeApiKey(deps, callerOf(bob), 'bob', mine.key.accessKeyId), NotFoundError);
    assert.equal((await deps.store.getApiKey(mine.key.accessKeyId))?.revoked, false);
    // A key scoped to a repository manages no keys.
    const scoped = await createApiKey(deps, callerOf(ada), 'ada', { name: 'scoped', repository: 'ada/sst' });
    const scopedCaller = callerFor(ada, [], { accountId: 'ada', repository: scoped.key.repository });
    await assert.rejects(createApiKey(deps, scopedCaller, 'ada', { name: 'x' }), ForbiddenError);
  });
});

describe('checking a key: secretForAccessKey and bearer tokens', () => {
  test('a good key gives back its secret; revoked, expired, disabled-account and unknown keys give nothing', async () => {
    const carol = account('carol');
    await deps.store.createAccount(carol);
    const good = await createApiKey(deps, callerOf(carol), 'carol', { name: 'good' });
    const expiring = await createApiKey(deps, callerOf(carol), 'carol', { name: 'soon', expiresAt: new Date(now + HOUR).toISOString() });
    const revoked = await createApiKey(deps, callerOf(carol), 'carol', { name: 'revoked' });
    await revokeApiKey(deps, callerOf(carol), 'carol', revoked.key.accessKeyId);

    assert.equal(await secretForAccessKey(deps, good.key.accessKeyId), good.secretAccessKey);
    assert.equal(await secretForAccessKey(deps, expiring.key.accessKeyId), expiring.secretAccessKey);
    assert.equal(await secretForAccessKey(deps, revoked.key.accessKeyId), undefined);
    assert.deepEqual(await checkAccessKey(deps, revoked.key.accessKeyId), { ok: false, problem: 'revoked' });
    assert.equal(await secretForAccessKey(deps, newAccessKeyId()), undefined);
    assert.equal(await secretForAccessKey(deps, 'not-a-key-id'), undefined);
    assert.equal((await resolveAccessKey(deps, good.key.accessKeyId))?.account.id, 'carol');

    now += HOUR;
    try {
      assert.equal(await secretForAccessKey(deps, expiring.key.accessKeyId), undefined, 'expired at its expiresAt');
      assert.deepEqual(await checkAccessKey(deps, expiring.key.accessKeyId), { ok: false, problem: 'expired' });
      assert.equal(await secretForAccessKey(deps, good.key.accessKeyId), good.secretAccessKey);
    } finally {
      now -= HOUR;
    }

    await deps.store.updateAccount({ ...carol, disabled: true, updatedAt: new Date(now + 1).toISOString() }, carol.updatedAt);
    assert.equal(await secretForAccessKey(deps, good.key.accessKeyId), undefined, 'not while the account is disabled');
    assert.deepEqual(await checkAccessKey(deps, good.key.accessKeyId), { ok: false, problem: 'account' });
  });

  test('under another server key a stored secret cannot be opened: the key does not work', async () => {
    const made = await createApiKey(deps, callerOf(ada), 'ada', { name: 'before the key changed' });
    const other = { ...deps, secretKey: randomBytes(32) };
    assert.deepEqual(await checkAccessKey(other, made.key.accessKeyId), { ok: false, problem: 'unreadable' });
    assert.equal(await secretForAccessKey(other, made.key.accessKeyId), undefined);
    assert.deepEqual(await authenticateApiKey(other, made.token), { ok: false, problem: 'unreadable' });
  });

  test('bearer tokens: the right secret authenticates; a wrong one says nothing about the key', async () => {
    const made = await createApiKey(deps, callerOf(ada), 'ada', { name: 'bearer' });
    const ok = await authenticateApiKey(deps, made.token);
    assert.ok(ok.ok && ok.account.id === 'ada' && ok.key.accessKeyId === made.key.accessKeyId);
    const wrong = `${made.key.accessKeyId}.${newSecretAccessKey()}`;
    assert.deepEqual(await authenticateApiKey(deps, wrong), { ok: false, problem: 'secret' });
    assert.deepEqual(await authenticateApiKey(deps, 'some-other-bearer-token'), { ok: false, problem: 'malformed' });
    await revokeApiKey(deps, callerOf(ada), 'ada', made.key.accessKeyId);
    const revoked = await authenticateApiKey(deps, made.token);
    assert.equal(!revoked.ok && revoked.problem, 'revoked', 'the holder of the secret learns that it was revoked');
    assert.deepEqual(await authenticateApiKey(deps, wrong), { ok: false, problem: 'secret' }, 'others do not');
  });

  test('the caller of a scoped key acts on its repository only, with no more than its account\'s rights', async () => {
    const scoped = await createApiKey(deps, callerOf(ada), 'ada', { name: 'sst only', repository: 'ada/sst' });
    const resolved = await resolveAccessKey(deps, scoped.key.accessKeyId);
    assert.ok(resolved);
    const caller = await loadCaller(deps.store, resolved.account, resolved.key);
    const sst = (await deps.store.getRepository('ada', 'sst'))!;
    const other = (await deps.store.getRepository('ada', 'other'))!;
    const secret = (await deps.store.getRepository('ada', 'secret'))!;
    assert.equal(decide(caller, 'repository:write_data', sst).allowed, true);
    assert.deepEqual(decide(caller, 'repository:write_data', other), { allowed: false, status: 403, reason: 'repository:write_data is not allowed on ada/other' });
    assert.equal(decide(caller, 'repository:read', secret).allowed, false);
    assert.equal(decide(caller, 'account:update_profile', ada).allowed, false);
    assert.equal(decide(caller, 'account:manage_api_keys', ada).allowed, false);
    const unscoped = await loadCaller(deps.store, ada, { accountId: 'ada' });
    assert.equal(decide(unscoped, 'repository:write_data', other).allowed, true);
  });
});
