// Accounts and sign-in over real HTTP: a real server on a loopback port with its
// own embedded metadata store. Cookies are handled by hand, as a browser would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertNoSecrets, assertStatus, Browser, PASSWORD, type Json } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const ADMIN = { email: 'root@example.org', password: 'the admin password' };
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 9)]);

let server: TestServer;
const browser = () => new Browser(server.url);

before(async () => {
  server = await startTestServer({
    ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    SIGNIN_MAX_ATTEMPTS_PER_EMAIL: '3', SIGNIN_MAX_ATTEMPTS_PER_IP: '6',
  });
});
after(() => server?.close());

describe('sign-up, sign-in, session, profile, sign-out', () => {
  test('the whole flow, over HTTP with a cookie', async () => {
    const ada = browser();
    const created = await ada.signUp('ada', { email: 'Ada@Example.org', name: 'Ada Lovelace' });
    assertStatus(created, 201);
    assert.equal(created.headers.get('location'), '/api/v1/accounts/ada');
    assert.equal(created.body.id, 'ada');
    assert.equal(created.body.type, 'individual');
    assert.equal(created.body.email, 'Ada@Example.org');
    assert.deepEqual(created.body.profile, { name: 'Ada Lovelace' });
    assert.equal(ada.cookie, undefined, 'sign-up does not sign in');
    assertNoSecrets(created, [PASSWORD]);

    const signedIn = await ada.signIn('ada@example.org');
    assertStatus(signedIn, 201);
    assert.equal(signedIn.body.account.id, 'ada');
    assert.match(signedIn.body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(signedIn.body.expiresAt) > Date.now() + 167 * 3_600_000, 'the default session lasts 168 hours');
    const [cookie] = ada.lastSetCookie;
    assert.match(cookie, /^meridian_session=[A-Za-z0-9_-]{43}; /);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.doesNotMatch(cookie, /; Secure/, 'not Secure over plain http');
    const secret = ada.cookie!.split('=')[1];
    assert.ok(!signedIn.text.includes(secret), 'the secret is only in the cookie');
    assert.equal(signedIn.headers.get('cache-control'), 'no-store');

    const session = await ada.get('/api/v1/session');
    assertStatus(session, 200);
    assert.equal(session.body.account.id, 'ada');
    assert.equal(session.body.account.email, 'Ada@Example.org');
    assert.equal(session.body.csrfToken, signedIn.body.csrfToken);

    const updated = await ada.patch('/api/v1/accounts/ada', {
      bio: 'Analyst of engines', location: 'London', website: 'https://example.org/ada', orcid: '0000-0002-1825-0097',
    });
    assertStatus(updated, 200);
    assert.deepEqual(updated.body.profile, {
      name: 'Ada Lovelace', bio: 'Analyst of engines', location: 'London', website: 'https://example.org/ada', orcid: 'https://orcid.org/0000-0002-1825-0097',
    });
    const removed = await ada.patch('/api/v1/accounts/ada', { location: null });
    assertStatus(removed, 200);
    assert.equal(removed.body.profile.location, undefined);

    // What others see: the public profile, no email, no flags.
    const seen = await browser().get('/api/v1/accounts/ada');
    assertStatus(seen, 200);
    assert.equal(seen.body.profile.bio, 'Analyst of engines');
    assert.equal(seen.body.email, undefined);
    assert.equal(seen.body.flags, undefined);
    assertNoSecrets(seen, [secret]);

    const out = await ada.request('DELETE', '/api/v1/session');
    assertStatus(out, 204);
    assert.match(ada.lastSetCookie[0] ?? '', /^meridian_session=;.*Expires=Thu, 01 Jan 1970/, 'the cookie is cleared');
    // The old cookie opens nothing any more, even if a client kept it.
    const stale = new Browser(server.url);
    stale.cookie = `meridian_session=${secret}`;
    stale.csrfToken = signedIn.body.csrfToken;
    assertStatus(await stale.get('/api/v1/session'), 401);
    assertStatus(await stale.patch('/api/v1/accounts/ada', { bio: 'after sign-out' }), 401);
    assert.equal((await browser().get('/api/v1/accounts/ada')).body.profile.bio, 'Analyst of engines');
  });

  test('the cookie is Secure when clients reach Meridian over https (a trusted proxy says so)', async () => {
    const grace = browser();
    assertStatus(await grace.signUp('grace'), 201);
    const reply = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': grace.ip },
      body: JSON.stringify({ email: 'grace@example.org', password: PASSWORD }),
    });
    assert.equal(reply.status, 201);
    assert.match(reply.headers.getSetCookie()[0], /; Secure/);
  });

  test('signing in again ends the session the browser had', async () => {
    const b = await browser().as('twice');
    const first = b.cookie!;
    assertStatus(await b.signIn('twice@example.org'), 201);
    assert.notEqual(b.cookie, first);
    const old = new Browser(server.url);
    old.cookie = first;
    assertStatus(await old.get('/api/v1/session'), 401);
    assertStatus(await b.get('/api/v1/session'), 200);
  });

  test('GET /api/v1/session without a session is 401', async () => {
    assertStatus(await browser().get('/api/v1/session'), 401, /sign in/);
    const forged = browser();
    forged.cookie = 'meridian_session=' + 'A'.repeat(43);
    assertStatus(await forged.get('/api/v1/session'), 401);
    assert.match(forged.lastSetCookie[0] ?? '', /^meridian_session=;/, 'an unknown session cookie is cleared');
  });
});

describe('CSRF', () => {
  test('a cookie-authenticated write without the token, or with a wrong one, is 403 and changes nothing', async () => {
    const b = await browser().as('csrf-person');
    const token = b.csrfToken!;
    for (const csrf of [false, 'wrong-token', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), `${token}x`] as const) {
      assertStatus(await b.patch('/api/v1/accounts/csrf-person', { bio: 'forged' }, csrf), 403, /CSRF/);
      assertStatus(await b.post('/api/v1/organizations', { id: 'forged-org', name: 'Forged' }, csrf), 403, /CSRF/);
      assertStatus(await b.request('PUT', '/api/v1/accounts/csrf-person/avatar', { body: PNG, type: 'image/png', csrf }), 403, /CSRF/);
      assertStatus(await b.request('DELETE', '/api/v1/session', { csrf }), 403, /CSRF/);
    }
    const account = await b.get('/api/v1/accounts/csrf-person');
    assert.equal(account.body.profile.bio, undefined);
    assert.equal(account.body.avatarUrl, undefined);
    assertStatus(await b.get('/api/v1/accounts/forged-org'), 404);
    assertStatus(await b.get('/api/v1/session'), 200, undefined);
    // With the token, the same requests work.
    assertStatus(await b.patch('/api/v1/accounts/csrf-person', { bio: 'real' }), 200);
    assertStatus(await b.post('/api/v1/organizations', { id: 'real-org', name: 'Real' }), 201);
  });

  test('another session\'s token does not do', async () => {
    const one = await browser().as('csrf-one');
    const two = await browser().as('csrf-two');
    assertStatus(await one.patch('/api/v1/accounts/csrf-one', { bio: 'x' }, two.csrfToken), 403, /does not match/);
  });
});

describe('sign-in failures and rate limits', () => {
  test('a wrong password, an unknown email and a malformed body are refused without saying which accounts exist', async () => {
    const b = browser();
    assertStatus(await b.signUp('wrong-pw'), 201);
    const wrong = await b.signIn('wrong-pw@example.org', 'not the password');
    assertStatus(wrong, 401, /^the email or password is not correct$/);
    const unknown = await browser().signIn('nobody-at-all@example.org');
    assertStatus(unknown, 401, /^the email or password is not correct$/);
    assert.equal(b.cookie, undefined);
    assertStatus(await browser().post('/api/v1/session', { email: 'x@example.org' }), 400, /password is required/);
    assertStatus(await browser().post('/api/v1/session', { email: 'x@example.org', password: 5 }), 400, /password must be a string/);
  });

  test('past the per-email limit, sign-in is 429 with Retry-After, even from another address and with the right password', async () => {
    const b = browser();
    assertStatus(await b.signUp('limited'), 201);
    for (let i = 0; i < 3; i++) assertStatus(await browser().signIn('limited@example.org', 'wrong password!'), 401);
    const refused = await browser().signIn('limited@example.org');
    assertStatus(refused, 429, /too many sign-in attempts/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 15 * 60, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.equal(refused.headers.get('set-cookie'), null);
    // Another account is not affected.
    assertStatus(await browser().signUp('unlimited'), 201);
    assertStatus(await browser().signIn('unlimited@example.org'), 201);
  });

  test('past the per-address limit, sign-in from that address is 429 whatever the email', async () => {
    const b = browser();
    for (let i = 0; i < 6; i++) assertStatus(await b.signIn(`someone-${i}@example.org`), 401);
    assertStatus(await browser().signUp('from-busy-address'), 201);
    assertStatus(await b.signIn('from-busy-address@example.org'), 429);
    assertStatus(await browser().signIn('from-busy-address@example.org'), 201, undefined);
  });
});

describe('bad input: a clear 4xx and no change', () => {
  test('sign-up: malformed ids, weak passwords, bad emails, unknown fields and non-JSON bodies are 400 and create nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'Bad_Id' }, /not a valid account id/],
      [{ id: 'ab' }, /not a valid account id/],
      [{ id: 'sea--lab' }, /not a valid account id/],
      [{ id: 'x'.repeat(41) }, /not a valid account id/],
      [{ password: 'short pw' }, /password is too short: at least 12 characters/],
      [{ password: 'x'.repeat(1025) }, /password is too long: at most 1024/],
      [{ email: 'not-an-email' }, /email is not a valid email address/],
      [{ name: 'x'.repeat(101) }, /name is too long/],
      [{ admin: true }, /unknown field "admin"/],
    ];
    for (const [patch, message] of cases) {
      assertStatus(await browser().signUp('valid-id', patch), 400, message);
      assertStatus(await browser().get('/api/v1/accounts/valid-id'), 404);
    }
    assertStatus(await browser().signIn('valid-id@example.org'), 401, /not correct/);
    const raw = await fetch(`${server.url}/api/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": "x",' });
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as Json).description, /not valid JSON/);
    const form = await fetch(`${server.url}/api/v1/accounts`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'id=x' });
    assert.equal(form.status, 400);
    assertStatus(await browser().get('/api/v1/accounts/valid-id'), 404);
  });

  test('sign-up: a taken id or email is 409 and the first account is kept', async () => {
    assertStatus(await browser().signUp('taken', { name: 'First' }), 201);
    assertStatus(await browser().signUp('taken', { email: 'other@example.org', name: 'Second' }), 409, /account id taken is taken/);
    assertStatus(await browser().signUp('taken-two', { email: 'TAKEN@example.org' }), 409, /email already exists/);
    assert.equal((await browser().get('/api/v1/accounts/taken')).body.profile.name, 'First');
    assertStatus(await browser().get('/api/v1/accounts/taken-two'), 404);
    assertStatus(await browser().signIn('other@example.org'), 401);
  });

  test('profile: bad ORCID, bad ROR, non-http website, oversize bio, unknown fields, malformed ids — 400 and the profile stays', async () => {
    const b = await browser().as('careful');
    assertStatus(await b.patch('/api/v1/accounts/careful', { bio: 'Original', website: 'https://example.org/' }), 200);
    const before = (await b.get('/api/v1/accounts/careful')).body;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ orcid: '0000-0002-1825-0098' }, /orcid is not a valid ORCID iD/],
      [{ orcid: 'https://orcid.org/0000-0002-1825-009' }, /orcid is not a valid ORCID iD/],
      [{ ror: '05dxps055' }, /ror is for organisations/],
      [{ website: 'javascript:alert(1)' }, /website must be an http or https URL, not javascript/],
      [{ website: 'ftp://example.org/' }, /not ftp/],
      [{ website: 'example.org' }, /website is not a valid URL/],
      [{ bio: 'x'.repeat(2001) }, /bio is too long: at most 2000 characters/],
      [{ location: 'x'.repeat(101) }, /location is too long/],
      [{ name: null }, /name cannot be removed/],
      [{ email: 'new@example.org' }, /unknown field "email"/],
      [{ bio: 'Changed', orcid: 'bad' }, /orcid is not a valid ORCID iD/],
    ];
    for (const [patch, message] of cases) assertStatus(await b.patch('/api/v1/accounts/careful', patch), 400, message);
    assert.deepEqual((await b.get('/api/v1/accounts/careful')).body, before);
    assertStatus(await b.patch('/api/v1/accounts/Not_An_Id', { bio: 'x' }), 400, /not a valid account id/);
    assertStatus(await browser().get('/api/v1/accounts/Not_An_Id'), 400, /not a valid account id/);
    assertStatus(await browser().get('/api/v1/accounts/no-such-account'), 404);
    // A body far over the JSON limit is refused by size.
    assertStatus(await b.patch('/api/v1/accounts/careful', { bio: 'x'.repeat(100_000) }), 413);
    assert.deepEqual((await b.get('/api/v1/accounts/careful')).body, before);
  });

  test('organisations: bad ROR checksum, bad id, taken id — refused and nothing created', async () => {
    const b = await browser().as('org-maker');
    assertStatus(await b.post('/api/v1/organizations', { id: 'bad-ror-lab', name: 'Lab', ror: '05dxps056' }), 400, /ror is not a valid ROR id/);
    assertStatus(await b.post('/api/v1/organizations', { id: 'orcid-lab', name: 'Lab', orcid: '0000-0002-1825-0097' }), 400, /orcid is for people/);
    assertStatus(await b.post('/api/v1/organizations', { id: 'Bad Lab', name: 'Lab' }), 400, /not a valid account id/);
    assertStatus(await b.post('/api/v1/organizations', { id: 'nameless-lab' }), 400, /name is required/);
    assertStatus(await b.post('/api/v1/organizations', { id: 'org-maker', name: 'Clash' }), 409, /is taken/);
    for (const id of ['bad-ror-lab', 'orcid-lab', 'nameless-lab']) assertStatus(await b.get(`/api/v1/accounts/${id}`), 404);
    assert.equal((await b.get('/api/v1/accounts/org-maker')).body.type, 'individual');
  });

  test('avatar: too large or not an image — 400 and the avatar stays', async () => {
    const b = await browser().as('pictured');
    assertStatus(await b.request('PUT', '/api/v1/accounts/pictured/avatar', { body: PNG, type: 'image/png' }), 200);
    const tooLarge = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    assertStatus(await b.request('PUT', '/api/v1/accounts/pictured/avatar', { body: tooLarge, type: 'image/png' }), 400, /too large: at most 1048576 bytes/);
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    assertStatus(await b.request('PUT', '/api/v1/accounts/pictured/avatar', { body: gif, type: 'image/png' }), 400, /not a PNG, JPEG or WebP image/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    assertStatus(await b.request('PUT', '/api/v1/accounts/pictured/avatar', { body: svg, type: 'image/svg+xml' }), 400, /not a PNG, JPEG or WebP image/);
    assertStatus(await b.request('PUT', '/api/v1/accounts/pictured/avatar', { body: Buffer.alloc(0), type: 'image/png' }), 400, /not a PNG/);
    const still = await browser().get('/api/v1/accounts/pictured/avatar');
    assertStatus(still, 200);
    assert.deepEqual(still.body, PNG);
  });
});

describe('avatars', () => {
  test('upload, replace and read back; content type from the bytes; others may not change it', async () => {
    const b = await browser().as('with-avatar');
    assertStatus(await browser().get('/api/v1/accounts/with-avatar/avatar'), 404);
    const put = await b.request('PUT', '/api/v1/accounts/with-avatar/avatar', { body: PNG, type: 'application/octet-stream' });
    assertStatus(put, 200);
    assert.equal(put.body.avatarUrl, `${server.url}/api/v1/accounts/with-avatar/avatar`);
    assert.equal(put.body.profile.avatar, undefined, 'the storage key is not shown');
    const got = await browser().get('/api/v1/accounts/with-avatar/avatar');
    assert.equal(got.headers.get('content-type'), 'image/png');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(got.body, PNG);
    assertStatus(await b.request('PUT', '/api/v1/accounts/with-avatar/avatar', { body: JPEG, type: 'image/jpeg' }), 200);
    const replaced = await browser().get('/api/v1/accounts/with-avatar/avatar');
    assert.equal(replaced.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(replaced.body, JPEG);

    const other = await browser().as('avatar-vandal');
    assertStatus(await other.request('PUT', '/api/v1/accounts/with-avatar/avatar', { body: PNG, type: 'image/png' }), 403);
    assertStatus(await browser().request('PUT', '/api/v1/accounts/with-avatar/avatar', { body: PNG, type: 'image/png' }), 401);
    assert.deepEqual((await browser().get('/api/v1/accounts/with-avatar/avatar')).body, JPEG);
  });
});

describe('organisations', () => {
  test('created by a signed-in person, who becomes an owner and may edit it; others may not', async () => {
    const founder = await browser().as('founder');
    const created = await founder.post('/api/v1/organizations', { id: 'ocean-lab', name: 'Ocean Lab', ror: 'https://ror.org/05dxps055', website: 'https://ocean.example.org' });
    assertStatus(created, 201);
    assert.equal(created.headers.get('location'), '/api/v1/accounts/ocean-lab');
    assert.equal(created.body.type, 'organization');
    assert.equal(created.body.profile.ror, 'https://ror.org/05dxps055');
    const membership = await server.metadata.getMembership('ocean-lab', 'founder');
    assert.equal(membership?.role, 'owners');
    assert.equal(membership?.state, 'member');
    assertStatus(await founder.patch('/api/v1/accounts/ocean-lab', { bio: 'We measure the ocean', ror: '013meh722' }), 200);
    assertStatus(await founder.request('PUT', '/api/v1/accounts/ocean-lab/avatar', { body: PNG, type: 'image/png' }), 200);

    const outsider = await browser().as('outsider');
    assertStatus(await outsider.patch('/api/v1/accounts/ocean-lab', { bio: 'Taken over' }), 403);
    assertStatus(await browser().post('/api/v1/organizations', { id: 'anon-lab', name: 'Anon' }), 401);
    const seen = await browser().get('/api/v1/accounts/ocean-lab');
    assert.equal(seen.body.profile.bio, 'We measure the ocean');
    assert.equal(seen.body.profile.ror, 'https://ror.org/013meh722');
    // An organisation cannot sign in: it has no email or password.
    assert.equal(seen.body.email, undefined);
  });
});

describe('admins', () => {
  let admin: Browser;
  before(async () => {
    admin = browser();
    assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  });

  test('the first admin was created from ADMIN_EMAIL and ADMIN_PASSWORD on the empty store', async () => {
    const session = await admin.get('/api/v1/session');
    assert.equal(session.body.account.id, 'admin');
    assert.equal(session.body.account.flags.admin, true);
  });

  test('flags are set by admins only: 401 anonymous, 403 for others, 200 for admins', async () => {
    const ada = await browser().as('flag-person');
    assertStatus(await browser().patch('/api/v1/accounts/flag-person/flags', { admin: true }), 401);
    assertStatus(await ada.patch('/api/v1/accounts/flag-person/flags', { admin: true }), 403);
    assertStatus(await ada.patch('/api/v1/accounts/admin/flags', { admin: false }), 403);
    assert.equal((await ada.get('/api/v1/session')).body.account.flags.admin, false);
    assert.equal((await admin.get('/api/v1/session')).body.account.flags.admin, true);

    const set = await admin.patch('/api/v1/accounts/flag-person/flags', { createOrganizations: false });
    assertStatus(set, 200);
    assert.deepEqual(set.body.flags, { admin: false, createRepositories: true, createOrganizations: false });
    assert.equal(set.body.email, undefined, 'admins do not see other people\'s emails');
    assertStatus(await ada.post('/api/v1/organizations', { id: 'not-allowed-lab', name: 'No' }), 403);
    assertStatus(await admin.patch('/api/v1/accounts/flag-person/flags', { admin: 'yes' }), 400, /admin must be true or false/);
    assertStatus(await admin.patch('/api/v1/accounts/admin/flags', { admin: false }), 400, /cannot remove their own admin flag/);
    assertStatus(await admin.patch('/api/v1/accounts/flag-person/flags', { superuser: true }), 400, /unknown field "superuser"/);
  });

  test('a disabled account cannot sign in, its sessions stop at once, and it is hidden from all but admins', async () => {
    const victim = await browser().as('to-disable');
    assertStatus(await admin.patch('/api/v1/accounts/to-disable/flags', { disabled: true }), 200);
    assertStatus(await victim.get('/api/v1/session'), 401);
    assertStatus(await browser().signIn('to-disable@example.org'), 403, /disabled/);
    assertStatus(await browser().get('/api/v1/accounts/to-disable'), 404);
    const seenByAdmin = await admin.get('/api/v1/accounts/to-disable');
    assertStatus(seenByAdmin, 200);
    assert.equal(seenByAdmin.body.disabled, true);
    assertStatus(await admin.patch('/api/v1/accounts/to-disable/flags', { disabled: false }), 200);
    assertStatus(await browser().signIn('to-disable@example.org'), 201);
  });

  test('listing: paged with a cursor; admins see every account with flags, others the public profiles of enabled ones', async () => {
    for (let i = 0; i < 5; i++) assertStatus(await browser().signUp(`listed-${i}`), 201);
    assertStatus(await admin.patch('/api/v1/accounts/listed-4/flags', { disabled: true }), 200);
    const collect = async (b: Browser) => {
      const seen: Json[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const reply = await b.get(`/api/v1/accounts?limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
        assertStatus(reply, 200);
        assert.ok(reply.body.accounts.length <= 2);
        seen.push(...reply.body.accounts);
        next = reply.body.next;
        assert.ok(++pages < 200);
      } while (next);
      return seen;
    };
    const anonymous = await collect(browser());
    const ids = anonymous.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length, 'no account twice');
    for (const id of ['listed-0', 'listed-3', 'admin']) assert.ok(ids.includes(id), id);
    assert.ok(!ids.includes('listed-4'), 'disabled accounts are not listed publicly');
    for (const account of anonymous) {
      assert.equal(account.email, undefined);
      assert.equal(account.flags, undefined);
    }
    const all = await collect(admin);
    assert.ok(all.some((a) => a.id === 'listed-4' && a.disabled === true));
    assert.ok(all.every((a) => a.flags !== undefined));
    assert.deepEqual(all.filter((a) => a.email !== undefined).map((a) => a.id), ['admin'], 'only the admin\'s own email');
    assertStatus(await browser().get('/api/v1/accounts?limit=0'), 400, /limit must be an integer from 1 to 100/);
    assertStatus(await browser().get('/api/v1/accounts?limit=101'), 400);
    assertStatus(await browser().get('/api/v1/accounts?cursor=not-a-cursor'), 400, /cursor/);
  });
});

describe('concurrency', () => {
  test('20 parallel sign-ups with one id: exactly one 201, the rest 409, and the losers\' emails stay free', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => browser().signUp('contested', { email: `contender-${i}@example.org` })));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(19).fill(409)], statuses.join(','));
    const winner = replies.find((r) => r.status === 201)!.body.email as string;
    assert.equal((await browser().signIn(winner)).status, 201);
    const loser = replies.findIndex((r) => r.status === 409);
    assertStatus(await browser().signUp('contested-loser', { email: `contender-${loser}@example.org` }), 201);
  });
});

describe('session expiry', () => {
  test('a session stops working when SESSION_TTL_HOURS have passed', async () => {
    let now = Date.parse('2026-05-01T08:00:00.000Z');
    const timed = await startTestServer({ SESSION_TTL_HOURS: '2' }, { clock: () => now });
    try {
      const b = new Browser(timed.url);
      assertStatus(await b.signUp('timed'), 201);
      const signedIn = await b.signIn('timed@example.org');
      assert.equal(signedIn.body.expiresAt, '2026-05-01T10:00:00.000Z');
      assert.match(b.lastSetCookie[0], /Expires=Fri, 01 May 2026 10:00:00 GMT/);
      now += 2 * 3_600_000 - 1000;
      assertStatus(await b.get('/api/v1/session'), 200);
      assertStatus(await b.patch('/api/v1/accounts/timed', { bio: 'in time' }), 200);
      now += 1000;
      assertStatus(await b.get('/api/v1/session'), 401);
      assertStatus(await b.patch('/api/v1/accounts/timed', { bio: 'too late' }), 401);
      assert.equal((await b.get('/api/v1/accounts/timed')).body.profile.bio, 'in time');
    } finally {
      await timed.close();
    }
  });
});
