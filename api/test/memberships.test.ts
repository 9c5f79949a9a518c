// Memberships and invitations over real HTTP: the authorisation matrix of every
// members and invitations endpoint, the invitation flow, bad input, the last
// owner, and concurrent changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Membership } from '@meridian/core/accounts/accounts.types';
import {
  apiPath, buildWorld, collectPages, createRepo, expectedStatus, joinAs, ORG, PERSON, refusal, type World,
} from './access-world.ts';
import { assertStatus, Browser, type Json } from './http-client.ts';

let world: World;
/** Holds a pending read_data invitation to every matrix repository and to the organisation. */
let standing: Browser;
before(async () => {
  world = await buildWorld();
  standing = await world.browser().as('standing');
  await world.browser().as('target');
  for (const repo of world.repos) {
    const owner = repo.owner === 'person' ? world.personOwner : world.orgOwner;
    assertStatus(await owner.post(`${apiPath(repo)}/members`, { memberId: 'standing', role: 'read_data' }), 201);
  }
  assertStatus(await world.orgOwner.post(`/api/v1/accounts/${ORG}/members`, { memberId: 'standing', role: 'read_data' }), 201);
});
after(() => world?.server.close());

const membership = (resource: string, memberId: string) => world.server.metadata.getMembership(resource, memberId);
const orgMembers = `/api/v1/accounts/${ORG}/members`;
const ownerOf = (owner: 'person' | 'org') => (owner === 'person' ? world.personOwner : world.orgOwner);

describe('authorisation matrix: members endpoints × callers × visibilities', () => {
  test('GET /repositories/{account}/{repository}/members: read_data and up; hidden repositories 404', async () => {
    await Promise.all(world.personas.map(async (persona) => {
      for (const repo of world.repos) {
        const reply = await persona.browser.get(`${apiPath(repo)}/members`);
        assertStatus(reply, expectedStatus(persona, world.rank(persona, repo), repo.visibility, 1, 200));
        if (reply.status === 200) {
          const ids = reply.body.members.map((m: Json) => m.memberId);
          assert.ok(ids.includes('standing'), 'pending invitations are listed with their state');
          if (repo.owner === 'person') assert.ok(ids.includes('rp-owners') && ids.includes('rp-read-data'));
        }
      }
    }));
  });

  test('POST …/members (invite): owners and admins; nothing created for the refused', async () => {
    for (const persona of world.personas) {
      for (const repo of world.repos) {
        const expected = expectedStatus(persona, world.rank(persona, repo), repo.visibility, 4, 201);
        const reply = await persona.browser.post(`${apiPath(repo)}/members`, { memberId: 'target', role: 'write_data' });
        assertStatus(reply, expected);
        const stored = await membership(repo.path, 'target');
        if (expected === 201) {
          assert.deepEqual({ ...reply.body, createdAt: undefined, updatedAt: undefined },
            { resource: repo.path, memberId: 'target', role: 'write_data', state: 'invited', invitedBy: persona.accountId, createdAt: undefined, updatedAt: undefined });
          assert.equal(reply.headers.get('location'), `${apiPath(repo)}/members/target`);
          assertStatus(await persona.browser.delete(`${apiPath(repo)}/members/target`), 204);
        }
        assert.ok(stored === undefined || (await membership(repo.path, 'target'))?.state === 'revoked', `${persona.name}: no live invitation left`);
      }
    }
  });

  test('PATCH …/members/{memberId} (role) and DELETE (revoke): owners and admins; the refused change nothing', async () => {
    for (const persona of world.personas) {
      for (const repo of world.repos) {
        const expected = expectedStatus(persona, world.rank(persona, repo), repo.visibility, 4, 200);
        const before = await membership(repo.path, 'standing');
        const changed = await persona.browser.patch(`${apiPath(repo)}/members/standing`, { role: 'maintainers' });
        assertStatus(changed, expected);
        if (expected === 200) {
          assert.equal(changed.body.role, 'maintainers');
          assert.equal(changed.body.state, 'invited', 'an invitation keeps its state');
          assertStatus(await persona.browser.patch(`${apiPath(repo)}/members/standing`, { role: 'read_data' }), 200);
        } else {
          assert.deepEqual(await membership(repo.path, 'standing'), before);
        }
        const revoked = await persona.browser.delete(`${apiPath(repo)}/members/standing`);
        assertStatus(revoked, expected === 200 ? 204 : expected);
        if (expected === 200) {
          assert.equal((await membership(repo.path, 'standing'))?.state, 'revoked');
          assertStatus(await persona.browser.delete(`${apiPath(repo)}/members/standing`), 404, /no membership/);
          assertStatus(await ownerOf(repo.owner).post(`${apiPath(repo)}/members`, { memberId: 'standing', role: 'read_data' }), 201);
        } else {
          assert.equal((await membership(repo.path, 'standing'))?.state, 'invited');
        }
      }
    }
  });

  test('organisation members: reading takes a role on it, managing takes owners; a person has no members', async () => {
    for (const persona of world.personas) {
      const rank = persona.ranks.org;
      const refused = refusal(persona);
      const list = await persona.browser.get(orgMembers);
      assertStatus(list, rank >= 1 ? 200 : refused);
      if (list.status === 200) {
        assert.deepEqual(list.body.members.map((m: Json) => `${m.memberId}:${m.role}:${m.state}`).sort(), [
          'og-maintainers-m:maintainers:member', 'og-owners-m:owners:member', 'og-owners:owners:member', 'og-read-data-m:read_data:member',
          'og-write-data-m:write_data:member', 'standing:read_data:invited',
        ]);
      }
      const manage = rank >= 4 ? 'ok' : refused;
      const invited = await persona.browser.post(orgMembers, { memberId: 'target', role: 'read_data' });
      assertStatus(invited, manage === 'ok' ? 201 : manage);
      const changed = await persona.browser.patch(`${orgMembers}/standing`, { role: 'write_data' });
      assertStatus(changed, manage === 'ok' ? 200 : manage);
      const revoked = await persona.browser.delete(`${orgMembers}/target`);
      assertStatus(revoked, manage === 'ok' ? 204 : manage);
      if (manage === 'ok') assertStatus(await persona.browser.patch(`${orgMembers}/standing`, { role: 'read_data' }), 200);
      assert.equal((await membership(ORG, 'standing'))?.role, 'read_data');
      assert.notEqual((await membership(ORG, 'target'))?.state, 'invited');
      assertStatus(await persona.browser.get(`/api/v1/accounts/${PERSON}/members`), 404, /only organisations and repositories have members/);
      assertStatus(await persona.browser.post(`/api/v1/accounts/${PERSON}/members`, { memberId: 'target', role: 'owners' }), 404);
    }
  });

  test('GET /invitations: the signed-in caller\'s own pending invitations only; anonymous 401', async () => {
    for (const persona of world.personas) {
      const reply = await persona.browser.get('/api/v1/invitations');
      if (persona.accountId === undefined) {
        assertStatus(reply, 401);
        continue;
      }
      assertStatus(reply, 200);
      assert.ok(reply.body.invitations.every((m: Json) => m.memberId === persona.accountId && m.state === 'invited'));
    }
    const { items } = await collectPages(standing, '/api/v1/invitations', 'invitations', 2);
    assert.deepEqual(items.map((m) => m.resource).sort(), [ORG, ...world.repos.map((r) => r.path)].sort());
  });

  test('POST /invitations/{resource}/accept and /decline: only the invitee; someone else\'s invitation cannot be answered', async () => {
    await Promise.all(world.personas.map(async (persona) => {
      for (const resource of [ORG, ...world.repos.map((r) => r.path)]) {
        for (const answer of ['accept', 'decline']) {
          const reply = await persona.browser.post(`/api/v1/invitations/${resource}/${answer}`, {});
          if (persona.accountId === undefined) assertStatus(reply, 401);
          else if (reply.status === 409) assertStatus(reply, 409, /already a member/);
          else assertStatus(reply, 404, /has no pending invitation/);
        }
        assert.equal((await membership(resource, 'standing'))?.state, 'invited', `${persona.name} answered nothing for standing`);
      }
    }));
  });
});

describe('invitations', () => {
  test('invite → inbox → accept: the repository opens to the new member; decline revokes; a declined person can be invited again', async () => {
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'private-data', { visibility: 'restricted', state: 'published' }), 201);
    const guest = await world.browser().as('guest');
    assertStatus(await guest.get(`/api/v1/repositories/${PERSON}/private-data`), 404);
    assertStatus(await owner.post(`/api/v1/repositories/${PERSON}/private-data/members`, { memberId: 'guest', role: 'read_data' }), 201);
    assertStatus(await guest.get(`/api/v1/repositories/${PERSON}/private-data`), 404, /not found/);
    const inbox = await guest.get('/api/v1/invitations');
    assert.deepEqual(inbox.body.invitations.map((m: Json) => [m.resource, m.role, m.invitedBy]), [[`${PERSON}/private-data`, 'read_data', PERSON]]);
    const accepted = await guest.post(`/api/v1/invitations/${PERSON}/private-data/accept`, {});
    assertStatus(accepted, 200);
    assert.equal(accepted.body.state, 'member');
    assertStatus(await guest.get(`/api/v1/repositories/${PERSON}/private-data`), 200);
    assert.equal((await guest.get(`/stac/collections/${PERSON}.private-data`)).status, 200);
    assert.deepEqual((await guest.get('/api/v1/invitations')).body.invitations, []);
    assertStatus(await guest.post(`/api/v1/invitations/${PERSON}/private-data/accept`, {}), 409, /already a member/);
    assertStatus(await guest.post(`/api/v1/invitations/${PERSON}/private-data/decline`, {}), 409, /already a member/);
    assertStatus(await guest.patch(`/api/v1/repositories/${PERSON}/private-data`, { title: 'Mine now' }), 403);

    // Revoked: the door closes at once.
    assertStatus(await owner.delete(`/api/v1/repositories/${PERSON}/private-data/members/guest`), 204);
    assertStatus(await guest.get(`/api/v1/repositories/${PERSON}/private-data`), 404);

    // Declining an organisation's invitation; the URL may also carry the path encoded.
    assertStatus(await world.orgOwner.post(orgMembers, { memberId: 'guest', role: 'write_data' }), 201);
    const declined = await guest.post(`/api/v1/invitations/${ORG}/decline`, {});
    assertStatus(declined, 200);
    assert.equal(declined.body.state, 'revoked');
    assertStatus(await guest.post(`/api/v1/invitations/${ORG}/accept`, {}), 404, /no pending invitation/);
    assertStatus(await world.orgOwner.post(orgMembers, { memberId: 'guest', role: 'read_data' }), 201);
    assertStatus(await owner.post(`/api/v1/repositories/${PERSON}/private-data/members`, { memberId: 'guest', role: 'write_data' }), 201);
    assertStatus(await guest.post(`/api/v1/invitations/${PERSON}%2Fprivate-data/accept`, {}), 200);
    assertStatus(await guest.post(`/api/v1/invitations/${ORG}/accept`, {}), 200);
    assert.equal((await membership(`${PERSON}/private-data`, 'guest'))?.role, 'write_data');
  });

  test('malformed invitation paths are 400; anonymous answers are 401', async () => {
    const b = world.personOwner;
    assertStatus(await b.post('/api/v1/invitations/a/b/c/accept', {}), 400, /not an organisation id or an \{account\}\/\{repository\} path/);
    assertStatus(await b.post('/api/v1/invitations/Bad_Org/accept', {}), 400, /not a valid account id/);
    assertStatus(await b.post(`/api/v1/invitations/${PERSON}/Bad_Repo/decline`, {}), 400, /not a valid repository id/);
    assertStatus(await world.browser().post(`/api/v1/invitations/${ORG}/accept`, {}), 401);
    assertStatus(await b.get('/api/v1/invitations?limit=1000'), 400, /limit/);
  });
});

describe('bad input: a clear 4xx and nothing changed', () => {
  test('invitations to unknown accounts, to organisations, with bad roles or ids, twice, or to the owner', async () => {
    const owner = world.personOwner;
    const members = `/api/v1/repositories/${PERSON}/p-public/members`;
    const before = (await collectPages(owner, members, 'members', 100)).items;
    const cases: [unknown, number, RegExp][] = [
      [{ memberId: 'nobody-here', role: 'read_data' }, 404, /memberId: account nobody-here does not exist/],
      [{ memberId: ORG, role: 'read_data' }, 400, /mx-org is an organisation; only people can be members/],
      [{ memberId: 'target', role: 'superuser' }, 400, /role must be one of owners, maintainers, write_data, read_data, not "superuser"/],
      [{ memberId: 'target' }, 400, /role is required/],
      [{ memberId: 'Bad_Id', role: 'read_data' }, 400, /memberId "Bad_Id" is not a valid account id/],
      [{ role: 'read_data' }, 400, /memberId is required/],
      [{ memberId: 'target', role: 'read_data', state: 'member' }, 400, /unknown field "state"/],
      [{ memberId: 'rp-owners', role: 'read_data' }, 409, /rp-owners is already invited to or a member of mx-owner\/p-public/],
      [{ memberId: 'standing', role: 'owners' }, 409, /already invited/],
      [{ memberId: PERSON, role: 'read_data' }, 400, /mx-owner owns mx-owner\/p-public already/],
      ['not an object', 400, /JSON/],
    ];
    for (const [body, status, message] of cases) assertStatus(await owner.post(members, body), status, message);
    assert.deepEqual((await collectPages(owner, members, 'members', 100)).items, before);
    assert.equal(await membership(`${PERSON}/p-public`, 'nobody-here'), undefined);
    assert.equal((await membership(`${PERSON}/p-public`, 'standing'))?.role, 'read_data');
    assertStatus(await owner.patch(`${members}/target`, { role: 'owners' }), 404, /target has no membership of mx-owner\/p-public/);
    assertStatus(await owner.patch(`${members}/standing`, { role: 'admin' }), 400, /role must be one of/);
    assertStatus(await owner.patch(`${members}/standing`, { role: 'owners', state: 'member' }), 400, /unknown field "state"/);
    assertStatus(await owner.delete(`${members}/Bad_Id`), 400, /memberId "Bad_Id" is not a valid account id/);
    assertStatus(await owner.post('/api/v1/repositories/mx-owner/no-such-repo/members', { memberId: 'target', role: 'read_data' }), 404);
    assert.equal((await membership(`${PERSON}/p-public`, 'standing'))?.state, 'invited');
  });

  test('accepting someone else\'s invitation: 404, and their invitation stays pending', async () => {
    const thief = await world.browser().as('thief');
    for (const resource of [ORG, `${PERSON}/p-restricted`]) {
      assertStatus(await thief.post(`/api/v1/invitations/${resource}/accept`, {}), 404, /thief has no pending invitation/);
      assert.equal((await membership(resource, 'standing'))?.state, 'invited');
      assert.equal(await membership(resource, 'thief'), undefined);
    }
    assertStatus(await thief.get(`/api/v1/repositories/${PERSON}/p-restricted`), 404);
    // Not even an owner answers for the invitee: the state is no field of a PATCH.
    assertStatus(await world.personOwner.patch(`/api/v1/repositories/${PERSON}/p-restricted/members/standing`, { state: 'member' }), 400, /unknown field "state"/);
    assert.equal((await membership(`${PERSON}/p-restricted`, 'standing'))?.state, 'invited');
  });

  test('the last owner of an organisation can be neither revoked nor demoted (409); with two, one may go', async () => {
    const founder = await world.browser().as('lone-founder');
    assertStatus(await founder.post('/api/v1/organizations', { id: 'lone-org', name: 'Lone' }), 201);
    const path = '/api/v1/accounts/lone-org/members';
    const before = await membership('lone-org', 'lone-founder');
    assertStatus(await founder.delete(`${path}/lone-founder`), 409, /lone-founder is the last owner of lone-org: make someone else an owner first/);
    for (const role of ['maintainers', 'write_data', 'read_data']) {
      assertStatus(await founder.patch(`${path}/lone-founder`, { role }), 409, /last owner/);
    }
    assertStatus(await world.admin.delete(`${path}/lone-founder`), 409, /last owner/);
    assert.deepEqual(await membership('lone-org', 'lone-founder'), before);

    // An invited owner is no owner yet.
    const second = await world.browser().as('second-founder');
    assertStatus(await founder.post(path, { memberId: 'second-founder', role: 'owners' }), 201);
    assertStatus(await founder.delete(`${path}/lone-founder`), 409, /last owner/);
    assertStatus(await second.post('/api/v1/invitations/lone-org/accept', {}), 200);
    assertStatus(await second.patch(`${path}/lone-founder`, { role: 'maintainers' }), 200);
    assertStatus(await second.delete(`${path}/second-founder`), 409, /second-founder is the last owner/);
    assertStatus(await second.patch(`${path}/second-founder`, { role: 'owners' }), 200, undefined);
    assert.equal((await membership('lone-org', 'second-founder'))?.role, 'owners');
    assert.equal((await membership('lone-org', 'lone-founder'))?.role, 'maintainers');
    // A repository's owners members are not its last owner: the owning account always is.
    assertStatus(await createRepo(world.personOwner, PERSON, 'one-owner'), 201);
    await joinAs(world.personOwner, await world.browser().as('co-owner'), `${PERSON}/one-owner`, 'owners');
    assertStatus(await world.personOwner.delete(`/api/v1/repositories/${PERSON}/one-owner/members/co-owner`), 204);
  });
});

describe('concurrency', () => {
  const owners = async (org: string) => {
    const page = await world.server.metadata.listMembershipsOf(org, { limit: 1000 });
    return page.items.filter((m: Membership) => m.role === 'owners' && m.state === 'member').map((m) => m.memberId).sort();
  };

  test('two owners revoking or demoting each other at once: never zero owners, at most one wins', async () => {
    const a = await world.browser().as('duel-a');
    const b = await world.browser().as('duel-b');
    for (let round = 0; round < 8; round++) {
      const org = `duel-org-${round}`;
      assertStatus(await a.post('/api/v1/organizations', { id: org, name: 'Duel' }), 201);
      await joinAs(a, b, org, 'owners');
      const path = `/api/v1/accounts/${org}/members`;
      const [byA, byB] = round % 2 === 0
        ? await Promise.all([a.delete(`${path}/duel-b`), b.delete(`${path}/duel-a`)])
        : await Promise.all([a.patch(`${path}/duel-b`, { role: 'read_data' }), b.patch(`${path}/duel-a`, { role: 'write_data' })]);
      const won = [byA, byB].filter((r) => r.status === 200 || r.status === 204);
      for (const r of [byA, byB]) assert.ok([200, 204, 409].includes(r.status), `${r.status}: ${r.text}`);
      assert.ok(won.length <= 1, `round ${round}: both won`);
      const left = await owners(org);
      assert.ok(left.length >= 1, `round ${round}: no owner left`);
      assert.deepEqual(left, won.length === 0 ? ['duel-a', 'duel-b'] : won[0] === byA ? ['duel-a'] : ['duel-b']);
    }
  });

  test('three owners each demoting the next at once: an owner always remains', async () => {
    const people = [await world.browser().as('ring-a'), await world.browser().as('ring-b'), await world.browser().as('ring-c')];
    for (let round = 0; round < 5; round++) {
      const org = `ring-org-${round}`;
      assertStatus(await people[0].post('/api/v1/organizations', { id: org, name: 'Ring' }), 201);
      await joinAs(people[0], people[1], org, 'owners');
      await joinAs(people[0], people[2], org, 'owners');
      const ids = ['ring-a', 'ring-b', 'ring-c'];
      const replies = await Promise.all(people.map((p, i) => p.patch(`/api/v1/accounts/${org}/members/${ids[(i + 1) % 3]}`, { role: 'maintainers' })));
      for (const r of replies) assert.ok([200, 409].includes(r.status), `${r.status}: ${r.text}`);
      const left = await owners(org);
      assert.ok(left.length >= 1, `round ${round}: no owner left`);
      assert.equal(left.length, 3 - replies.filter((r) => r.status === 200).length, 'each success demoted exactly one owner');
    }
  });

  test('parallel invitations of one person: exactly one 201', async () => {
    await world.browser().as('popular');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      world.personOwner.post(`/api/v1/repositories/${PERSON}/p-public/members`, { memberId: 'popular', role: i % 2 ? 'read_data' : 'write_data' })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [201, ...Array(9).fill(409)]);
  });

  test('an accept racing a revoke ends in one consistent state', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `racer-${round}`;
      const racer = await world.browser().as(id);
      const members = `/api/v1/repositories/${PERSON}/p-restricted/members`;
      assertStatus(await world.personOwner.post(members, { memberId: id, role: 'read_data' }), 201);
      const [accepted, revoked] = await Promise.all([
        racer.post(`/api/v1/invitations/${PERSON}/p-restricted/accept`, {}),
        world.personOwner.delete(`${members}/${id}`),
      ]);
      assertStatus(revoked, 204);
      assert.ok([200, 404].includes(accepted.status), accepted.text);
      assert.equal((await membership(`${PERSON}/p-restricted`, id))?.state, 'revoked', 'the revoke is never undone by the accept');
      assertStatus(await racer.get(`/api/v1/repositories/${PERSON}/p-restricted`), 404);
    }
  });
});
