// The accounts services over a real embedded store (dynalite), with a clock the
// tests move.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { callerFor } from '../access/access-rule.ts';
import { ConflictError, ForbiddenError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';
import { openMetadataStore, type OpenedMetadataStore } from '../metadata-store/open-metadata-store.ts';
import { ANONYMOUS, loadCaller } from './account-access.ts';
import { accountView } from './account-views.ts';
import { nextUpdatedAt, type AccountsDeps } from './accounts-context.ts';
import type { Account } from './accounts.types.ts';
import { setFlags } from './admin.service.ts';
import { ensureFirstAdmin } from './first-admin.ts';
import { createOrganization } from './organizations.service.ts';
import { updateProfile } from './profile.service.ts';
import { resolveSession, sessionIdHash, signIn, signOut, type SessionSettings } from './sessions.service.ts';
import { secondsLeftInWindow } from './sign-in-limit.ts';
import { signUp } from './sign-up.service.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-accounts-'));
let opened = 0;
let now = Date.parse('2026-03-01T12:00:00.000Z');
const clock = () => now;

async function openStore(): Promise<OpenedMetadataStore> {
  return openMetadataStore({
    dataDir: join(root, `data-${++opened}`),
    metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' },
  }, { now: clock });
}

let shared: OpenedMetadataStore;
let deps: AccountsDeps;
before(async () => {
  shared = await openStore();
  deps = { store: shared.store, clock };
});
after(async () => {
  await shared?.close();
  await rm(root, { recursive: true, force: true });
});

const settings: SessionSettings = { ttlMs: 3_600_000, limit: { perEmail: 3, perIp: 1000, windowSeconds: 900 } };
const PASSWORD = 'a long enough password';
let people = 0;
/** A fresh person on the shared store. */
async function person(overrides: Record<string, unknown> = {}): Promise<Account> {
  const id = `person-${++people}`;
  return signUp(deps, { id, email: `${id}@example.org`, password: PASSWORD, name: `Person ${people}`, ...overrides });
}

describe('sign-up', () => {
  test('creates an individual with default flags and an argon2id hash of the password, never the password', async () => {
    const ada = await signUp(deps, { id: 'ada', email: 'Ada@Example.org', password: PASSWORD, name: ' Ada Lovelace ' });
    assert.deepEqual(await deps.store.getAccount('ada'), ada);
    assert.equal(ada.type, 'individual');
    assert.equal(ada.profile.name, 'Ada Lovelace');
    assert.deepEqual(ada.flags, { admin: false, createRepositories: true, createOrganizations: true });
    const hash = await deps.store.getPasswordHash('ada');
    assert.match(hash ?? '', /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    assert.ok(!hash?.includes(PASSWORD));
  });

  test('a taken id or email is a ConflictError and changes nothing', async () => {
    const first = await person();
    await assert.rejects(signUp(deps, { id: first.id, email: 'new@example.org', password: PASSWORD, name: 'X' }), (e: Error) => e instanceof ConflictError && /account id .* is taken/.test(e.message));
    await assert.rejects(signUp(deps, { id: 'brand-new', email: first.email?.toUpperCase(), password: PASSWORD, name: 'X' }), (e: Error) => e instanceof ConflictError && /email/.test(e.message));
    assert.deepEqual(await deps.store.getAccount(first.id), first);
    assert.equal(await deps.store.getAccount('brand-new'), undefined);
    assert.equal(await deps.store.getAccountByEmail('new@example.org'), undefined);
  });

  test('every field is checked; unknown fields are refused', async () => {
    const base = { id: 'checked', email: 'checked@example.org', password: PASSWORD, name: 'Checked' };
    for (const [patch, message] of [
      [{ id: 'Bad_Id' }, /not a valid account id/], [{ email: 'nope' }, /not a valid email/], [{ password: 'short' }, /too short/],
      [{ name: '' }, /name must not be empty/], [{ id: undefined }, /id is required/], [{ admin: true }, /unknown field "admin"/],
    ] as const) {
      await assert.rejects(signUp(deps, { ...base, ...patch }), (e: Error) => e instanceof ValidationError && message.test(e.message), JSON.stringify(patch));
    }
    assert.equal(await deps.store.getAccount('checked'), undefined);
  });

  test('when the password hash cannot be stored, the account is removed again and its id and email are free', async () => {
    const failing: MetadataStore = Object.create(deps.store, { setPasswordHash: { value: async () => { throw new Error('disk full'); } } });
    await assert.rejects(signUp({ store: failing, clock }, { id: 'unlucky', email: 'unlucky@example.org', password: PASSWORD, name: 'U' }), /disk full/);
    assert.equal(await deps.store.getAccount('unlucky'), undefined);
    assert.equal(await deps.store.getAccountByEmail('unlucky@example.org'), undefined);
    await signUp(deps, { id: 'unlucky', email: 'unlucky@example.org', password: PASSWORD, name: 'U' });
  });
});

describe('sign-in and sessions', () => {
  test('opens a session whose secret is not stored, only its SHA-256; the session resolves to the account until it expires', async () => {
    const ada = await person();
    const opened = await signIn(deps, settings, { email: ada.email, password: PASSWORD }, '192.0.2.1');
    assert.equal(opened.account.id, ada.id);
    assert.match(opened.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(opened.session.idHash, sessionIdHash(opened.secret));
    assert.equal(await deps.store.getSession(opened.secret), undefined, 'the store does not know the secret itself');
    assert.equal(opened.session.expiresAt, new Date(now + 3_600_000).toISOString());
    assert.equal((await resolveSession(deps, opened.secret))?.account.id, ada.id);
    assert.equal(await resolveSession(deps, 'x'.repeat(43)), undefined);
    assert.equal(await resolveSession(deps, 'not a secret'), undefined);
    const started = now;
    try {
      now = started + 3_600_000 - 1;
      assert.ok(await resolveSession(deps, opened.secret), 'still valid a millisecond before expiry');
      now = started + 3_600_000;
      assert.equal(await resolveSession(deps, opened.secret), undefined, 'expired');
    } finally {
      now = started;
    }
  });

  test('sign-out deletes the session', async () => {
    const ada = await person();
    const opened = await signIn(deps, settings, { email: ada.email, password: PASSWORD }, '192.0.2.1');
    await signOut(deps, opened.session);
    assert.equal(await resolveSession(deps, opened.secret), undefined);
    assert.equal(await deps.store.getSession(opened.session.idHash), undefined);
  });

  test('a wrong password and an unknown email get the same 401; a disabled account gets 403', async () => {
    const ada = await person();
    for (const attempt of [{ email: ada.email, password: 'not the password' }, { email: 'nobody@example.org', password: PASSWORD }]) {
      await assert.rejects(signIn(deps, settings, attempt, '192.0.2.2'), (e: Error) => e instanceof UnauthorizedError && e.message === 'the email or password is not correct');
    }
    const grace = await person();
    await deps.store.updateAccount({ ...grace, disabled: true, updatedAt: nextUpdatedAt(clock, grace.updatedAt) }, grace.updatedAt);
    await assert.rejects(signIn(deps, settings, { email: grace.email, password: PASSWORD }, '192.0.2.2'), ForbiddenError);
    await assert.rejects(signIn(deps, settings, { email: grace.email, password: 'wrong password!' }, '192.0.2.2'), UnauthorizedError, 'disabled is only told to someone who knows the password');
  });

  test('attempts past the per-email limit are refused with the seconds left in the window, even with the right password', async () => {
    const ada = await person();
    for (let i = 0; i < 3; i++) await assert.rejects(signIn(deps, settings, { email: ada.email, password: 'wrong password!' }, `198.51.100.${i}`), UnauthorizedError);
    await assert.rejects(signIn(deps, settings, { email: ada.email?.toUpperCase(), password: PASSWORD }, '198.51.100.9'), (e: Error) =>
      e instanceof TooManyRequestsError && e.retryAfterSeconds === secondsLeftInWindow(clock, 900) && e.retryAfterSeconds > 0 && e.retryAfterSeconds <= 900);
    const started = now;
    try {
      now = (Math.floor(now / 900_000) + 1) * 900_000; // the next window
      assert.equal((await signIn(deps, settings, { email: ada.email, password: PASSWORD }, '198.51.100.9')).account.id, ada.id);
    } finally {
      now = started;
    }
  });

  test('attempts past the per-address limit are refused whatever the email', async () => {
    const perIp = { ...settings, limit: { perEmail: 1000, perIp: 2, windowSeconds: 900 } };
    const ada = await person();
    await signIn(deps, perIp, { email: ada.email, password: PASSWORD }, '203.0.113.7');
    await assert.rejects(signIn(deps, perIp, { email: 'a@example.org', password: PASSWORD }, '203.0.113.7'), UnauthorizedError);
    await assert.rejects(signIn(deps, perIp, { email: ada.email, password: PASSWORD }, '203.0.113.7'), TooManyRequestsError);
    await signIn(deps, perIp, { email: ada.email, password: PASSWORD }, '203.0.113.8');
  });
});

describe('profiles, organisations and flags', () => {
  test('a person edits their own profile; others may not; an edit is checked whole before anything is written', async () => {
    const ada = await person();
    const me = await loadCaller(deps.store, ada);
    const updated = await updateProfile(deps, me, ada.id, { bio: 'Analyst', website: 'https://example.org', orcid: '0000-0002-1825-0097' });
    assert.equal(updated.profile.orcid, 'https://orcid.org/0000-0002-1825-0097');
    assert.ok(updated.updatedAt > ada.updatedAt);
    await assert.rejects(updateProfile(deps, me, ada.id, { bio: 'Changed', orcid: '0000-0002-1825-0098' }), /not a valid ORCID/);
    assert.equal((await deps.store.getAccount(ada.id))?.profile.bio, 'Analyst');
    const other = await loadCaller(deps.store, await person());
    await assert.rejects(updateProfile(deps, other, ada.id, { bio: 'Hacked' }), ForbiddenError);
    await assert.rejects(updateProfile(deps, ANONYMOUS, ada.id, { bio: 'Hacked' }), UnauthorizedError);
    assert.equal((await deps.store.getAccount(ada.id))?.profile.bio, 'Analyst');
  });

  test('an organisation is created with its creator as member of owners, who may then edit it', async () => {
    const ada = await person();
    const { organization, membership } = await createOrganization(deps, await loadCaller(deps.store, ada), { id: `lab-of-${ada.id}`, name: 'Sea Lab', ror: '05dxps055' });
    assert.equal(organization.type, 'organization');
    assert.equal(organization.email, undefined);
    assert.equal(organization.profile.ror, 'https://ror.org/05dxps055');
    assert.deepEqual(await deps.store.getAccount(organization.id), organization);
    assert.deepEqual(await deps.store.getMembership(organization.id, ada.id), membership);
    assert.equal(membership.role, 'owners');
    assert.equal(membership.state, 'member');
    const owner = await loadCaller(deps.store, ada); // now with the membership
    assert.equal((await updateProfile(deps, owner, organization.id, { bio: 'We measure the sea' })).profile.bio, 'We measure the sea');
    await assert.rejects(createOrganization(deps, owner, { id: organization.id, name: 'Again' }), ConflictError);
    await assert.rejects(createOrganization(deps, owner, { id: ada.id, name: 'Clash with a person' }), ConflictError);
    await assert.rejects(createOrganization(deps, owner, { id: 'lab-x', name: 'Lab', orcid: '0000-0002-1825-0097' }), /orcid is for people/);
    await assert.rejects(createOrganization(deps, ANONYMOUS, { id: 'lab-y', name: 'Lab' }), UnauthorizedError);
    const restricted = await person();
    await deps.store.updateAccount({ ...restricted, flags: { ...restricted.flags, createOrganizations: false }, updatedAt: nextUpdatedAt(clock, restricted.updatedAt) }, restricted.updatedAt);
    const refused = await loadCaller(deps.store, (await deps.store.getAccount(restricted.id)) as Account);
    await assert.rejects(createOrganization(deps, refused, { id: 'lab-z', name: 'Lab' }), ForbiddenError);
    for (const id of ['lab-x', 'lab-y', 'lab-z']) assert.equal(await deps.store.getAccount(id), undefined);
  });

  test('when the owner membership cannot be written, the organisation is removed again', async () => {
    const ada = await person();
    const failing: MetadataStore = Object.create(deps.store, { createMembership: { value: async () => { throw new Error('throttled'); } } });
    await assert.rejects(createOrganization({ store: failing, clock }, await loadCaller(deps.store, ada), { id: 'doomed-lab', name: 'Doomed' }), /throttled/);
    assert.equal(await deps.store.getAccount('doomed-lab'), undefined);
    await createOrganization(deps, await loadCaller(deps.store, ada), { id: 'doomed-lab', name: 'Fine now' });
  });

  test('flags: admins only; admins cannot demote or disable themselves; a disabled account\'s sessions stop working', async () => {
    const boss = await person();
    await deps.store.updateAccount({ ...boss, flags: { ...boss.flags, admin: true }, updatedAt: nextUpdatedAt(clock, boss.updatedAt) }, boss.updatedAt);
    const admin = await loadCaller(deps.store, (await deps.store.getAccount(boss.id)) as Account);
    const ada = await person();
    const session = await signIn(deps, settings, { email: ada.email, password: PASSWORD }, '192.0.2.50');
    const self = await loadCaller(deps.store, ada);
    await assert.rejects(setFlags(deps, self, ada.id, { admin: true }), ForbiddenError);
    await assert.rejects(setFlags(deps, ANONYMOUS, ada.id, { admin: true }), UnauthorizedError);
    assert.equal((await deps.store.getAccount(ada.id))?.flags.admin, false);
    await assert.rejects(setFlags(deps, admin, boss.id, { admin: false }), /cannot remove their own admin flag/);
    await assert.rejects(setFlags(deps, admin, ada.id, { admin: 'yes' }), /admin must be true or false/);
    await assert.rejects(setFlags(deps, admin, ada.id, {}), /nothing to change/);
    const flagged = await setFlags(deps, admin, ada.id, { createRepositories: false, disabled: true });
    assert.deepEqual(flagged.flags, { admin: false, createRepositories: false, createOrganizations: true });
    assert.equal(flagged.disabled, true);
    assert.equal(await resolveSession(deps, session.secret), undefined, 'disabling ends the account\'s sessions at once');
    assert.equal(accountView(flagged, ANONYMOUS).flags, undefined);
    assert.equal((await setFlags(deps, admin, ada.id, { disabled: false })).disabled, false);
    assert.ok(await resolveSession(deps, session.secret));
  });

  test('views: emails only to their owner, flags to those the access rule lets read privately', async () => {
    const ada = await person();
    const admin = callerFor({ ...ada, id: 'someone-else', flags: { admin: true, createRepositories: true, createOrganizations: true } }, []);
    assert.equal(accountView(ada, callerFor(ada, [])).email, ada.email);
    assert.ok(accountView(ada, callerFor(ada, [])).flags);
    assert.equal(accountView(ada, admin).email, undefined);
    assert.ok(accountView(ada, admin).flags);
    assert.deepEqual(Object.keys(accountView(ada, ANONYMOUS)).sort(), ['createdAt', 'hasAvatar', 'id', 'profile', 'type']);
  });

  test('new versions always get a later updatedAt, even under a stopped clock', () => {
    const stopped = () => Date.parse('2026-01-01T00:00:00.000Z');
    assert.equal(nextUpdatedAt(stopped, '2026-01-01T00:00:00.000Z'), '2026-01-01T00:00:00.001Z');
    assert.equal(nextUpdatedAt(stopped, '2025-12-31T00:00:00.000Z'), '2026-01-01T00:00:00.000Z');
  });
});

describe('the first admin', () => {
  const admin = { id: 'root', email: 'root@example.org', password: 'the admin password' };

  test('is created on an empty store, and can sign in as an admin', async () => {
    const empty = await openStore();
    try {
      const d = { store: empty.store, clock };
      assert.equal(await ensureFirstAdmin(d, admin), 'created');
      const account = await empty.store.getAccount('root');
      assert.equal(account?.flags.admin, true);
      assert.equal((await signIn(d, settings, { email: 'root@example.org', password: admin.password }, '192.0.2.9')).account.id, 'root');
      assert.equal(await ensureFirstAdmin(d, admin), 'not-empty', 'a second start does nothing');
    } finally {
      await empty.close();
    }
  });

  test('is not created on a store that has accounts; an empty store without configuration reports none', async () => {
    const store = await openStore();
    try {
      const d = { store: store.store, clock };
      assert.equal(await ensureFirstAdmin(d, undefined), 'none');
      await signUp(d, { id: 'first', email: 'first@example.org', password: PASSWORD, name: 'First' });
      assert.equal(await ensureFirstAdmin(d, admin), 'not-empty');
      assert.equal(await store.store.getAccount('root'), undefined);
      assert.equal(await store.store.getAccountByEmail('root@example.org'), undefined);
    } finally {
      await store.close();
    }
  });
});
