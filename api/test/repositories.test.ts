// Repositories over real HTTP: the authorisation matrix of every repository
// endpoint, listings through their pages, bad input, a concurrent create, and
// the catalog collection that follows each repository.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  apiPath, buildWorld, collectPages, CONNECTION, createConnection, createRepo, expectedStatus, joinAs, listsRepository, MATRIX_WORD, ORG, PERSON,
  refusal, seesRepository, VISIBILITIES, type Persona, type RepoCase, type World,
} from './access-world.ts';
import { assertStatus, type Browser, type Json, type Reply } from './http-client.ts';

let world: World;
before(async () => {
  world = await buildWorld();
});
after(() => world?.server.close());

const pathOf = (account: string, repository: string) => `/api/v1/repositories/${account}/${repository}`;
/** The repository as the store has it (for "nothing changed" checks). */
const stored = (account: string, repository: string) => world.server.metadata.getRepository(account, repository);
const label = (persona: Persona, repo: RepoCase) => `${persona.name} on ${repo.path}`;

/** Every collection the caller finds in GET /stac/collections, through its next links. */
async function stacCollectionIds(b: Browser): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = '/stac/collections?limit=100';
  for (let pages = 0; url && pages < 50; pages++) {
    const reply: Reply = await b.get(url);
    assertStatus(reply, 200);
    ids.push(...reply.body.collections.map((c: Json) => c.id));
    const next: string | undefined = reply.body.links.find((l: Json) => l.rel === 'next')?.href;
    url = next ? next.slice(world.server.url.length) : undefined;
  }
  return ids;
}

describe('authorisation matrix: repository endpoints × callers × visibilities', () => {
  test('GET /repositories/{account}/{repository}: 200 where the repository is visible, else 404', async () => {
    await Promise.all(world.personas.map(async (persona) => {
      for (const repo of world.repos) {
        const rank = world.rank(persona, repo);
        const reply = await persona.browser.get(apiPath(repo));
        assertStatus(reply, expectedStatus(persona, rank, repo.visibility, 0, 200));
        if (reply.status === 200) {
          assert.equal(reply.body.id, repo.path, label(persona, repo));
          assert.equal(reply.body.collectionId, repo.collectionId);
          // Where the files live is shown to those who may change it (maintainers and up).
          assert.equal(reply.body.dataConnectionId === CONNECTION, rank >= 3, `${label(persona, repo)}: connection shown`);
        } else {
          // Hidden is answered exactly as missing.
          assert.deepEqual(reply.body, { code: 'NotFound', description: `repository ${repo.path} not found` });
          const missing = await persona.browser.get(`${apiPath(repo)}-gone`);
          assert.deepEqual(missing.body, { code: 'NotFound', description: `repository ${repo.path}-gone not found` });
        }
      }
    }));
  });

  test('PATCH (title, description…): maintainers and up; featured/disabled: admins only', async () => {
    for (const persona of world.personas) {
      for (const repo of world.repos) {
        const rank = world.rank(persona, repo);
        const before = await stored(repo.account, repo.repository);
        const edit = await persona.browser.patch(apiPath(repo), { description: `edited by ${persona.name}` });
        assertStatus(edit, expectedStatus(persona, rank, repo.visibility, 3, 200));
        if (edit.status === 200) assert.equal(edit.body.description, `edited by ${persona.name}`);
        else assert.deepEqual(await stored(repo.account, repo.repository), before, `${label(persona, repo)}: unchanged`);

        const feature = await persona.browser.patch(apiPath(repo), { featured: true });
        assertStatus(feature, expectedStatus(persona, rank, repo.visibility, 5, 200));
        if (feature.status !== 200) assert.equal((await stored(repo.account, repo.repository))?.featured, before?.featured);
      }
    }
    // The admin featured every repository; the flag shows to all who see it.
    assert.equal((await world.browser().get(pathOf(PERSON, 'p-public'))).body.featured, true);
  });

  test('DELETE: owners (the owning account, owners members, organisation owners) and admins; the rest refused and nothing deleted', async () => {
    for (const persona of world.personas) {
      for (const repo of world.repos) {
        const rank = world.rank(persona, repo);
        const expected = expectedStatus(persona, rank, repo.visibility, 4, 204);
        if (expected === 204) continue; // below, on repositories made for it
        assertStatus(await persona.browser.delete(apiPath(repo)), expected);
        assert.ok(await stored(repo.account, repo.repository), `${label(persona, repo)}: still there`);
      }
    }
    let n = 0;
    for (const persona of world.personas) {
      for (const visibility of VISIBILITIES) {
        for (const owner of ['person', 'org'] as const) {
          const rank = persona.ranks[owner];
          if (rank < 4) continue;
          const account = owner === 'person' ? PERSON : ORG;
          const creator = owner === 'person' ? world.personOwner : world.orgOwner;
          const id = `doomed-${++n}`;
          assertStatus(await createRepo(creator, account, id, { visibility, state: 'published' }), 201);
          if (persona.membership?.on === 'person' && owner === 'person') await joinAs(creator, persona.browser, `${account}/${id}`, persona.membership.role);
          assert.ok(await world.server.catalog.getCollection(`${account}.${id}`));
          assertStatus(await persona.browser.delete(pathOf(account, id)), 204);
          assertStatus(await world.admin.get(pathOf(account, id)), 404);
          assert.equal(await world.server.catalog.collectionRepository(`${account}.${id}`), undefined, 'its collection went with it');
          assertStatus(await persona.browser.delete(pathOf(account, id)), 404);
        }
      }
    }
    assert.equal(n, 3 * (3 + 3), 'repository owners, the person and the admin on personal ones; both organisation owners and the admin on the organisation\'s');
  });

  test('POST /accounts/{id}/repositories: the account itself, organisation maintainers and up, admins', async () => {
    let n = 0;
    for (const persona of world.personas) {
      for (const [owner, account] of [['person', PERSON], ['org', ORG]] as const) {
        // A role on some of an account's repositories gives no right to add more.
        const rank = persona.membership?.on === 'person' ? 0 : persona.ranks[owner];
        const expected = rank >= 3 ? 201 : refusal(persona);
        for (const visibility of VISIBILITIES) {
          const id = `made-${++n}`;
          const reply = await createRepo(persona.browser, account, id, { visibility });
          assertStatus(reply, expected);
          if (expected === 201) {
            assert.equal(reply.headers.get('location'), pathOf(account, id));
            assert.equal(reply.body.state, 'draft', 'drafts by default');
            assert.equal(reply.body.prefix, `${account}/${id}/`);
            assertStatus(await world.admin.delete(pathOf(account, id)), 204);
          } else {
            assert.equal(await stored(account, id), undefined);
          }
        }
      }
    }
    // Accounts are public, so a missing one is 404 to anyone.
    assertStatus(await world.browser().post('/api/v1/accounts/no-such-account/repositories', { id: 'x-y-z', title: 'X', dataConnectionId: CONNECTION }), 404);
    assertStatus(await world.admin.post('/api/v1/accounts/no-such-account/repositories', { id: 'x-y-z', title: 'X', dataConnectionId: CONNECTION }), 404);
  });

  test('listings: GET /accounts/{id}/repositories and GET /repositories hold exactly what each caller may list, through every page', async () => {
    await Promise.all(world.personas.map(async (persona) => {
      for (const [owner, account] of [['person', PERSON], ['org', ORG]] as const) {
        const rank = persona.ranks[owner];
        const expected = world.repos.filter((r) => r.owner === owner && listsRepository(rank, r.visibility)).map((r) => r.path).sort();
        for (const limit of [1, 2, 100]) {
          const { items } = await collectPages(persona.browser, `/api/v1/accounts/${account}/repositories?q=${MATRIX_WORD}`, 'repositories', limit);
          assert.deepEqual(items.map((r) => r.id).sort(), expected, `${persona.name} listing ${account}, limit ${limit}`);
        }
      }
      const everywhere = world.repos.filter((r) => listsRepository(world.rank(persona, r), r.visibility)).map((r) => r.path).sort();
      for (const limit of [1, 3]) {
        const { items } = await collectPages(persona.browser, `/api/v1/repositories?q=${MATRIX_WORD}`, 'repositories', limit);
        assert.deepEqual(items.map((r) => r.id).sort(), everywhere, `${persona.name} listing everything, limit ${limit}`);
      }
      // Unlisted ones stay out of listings but open by their address.
      for (const repo of world.repos.filter((r) => r.visibility === 'unlisted')) assert.equal(seesRepository(world.rank(persona, repo), 'unlisted'), true);
    }));
  });

  test('STAC: each repository is a collection that GET /stac/collections lists, and /stac/collections/{id} shows, exactly to whom the access rule lets', async () => {
    await Promise.all(world.personas.map(async (persona) => {
      const listed = new Set(await stacCollectionIds(persona.browser));
      for (const repo of world.repos) {
        const rank = world.rank(persona, repo);
        assert.equal(listed.has(repo.collectionId), listsRepository(rank, repo.visibility), `${label(persona, repo)} in /stac/collections`);
        const one = await persona.browser.get(`/stac/collections/${repo.collectionId}`);
        assert.equal(one.status, seesRepository(rank, repo.visibility) ? 200 : 404, `${label(persona, repo)}: /stac/collections/${repo.collectionId}`);
      }
    }));
  });

  test('STAC: item search through every page, its numberMatched and aggregation counts hold exactly the items of repositories the caller may list', async () => {
    // Two items in every matrix repository's collection, written as the indexer will.
    const items = world.repos.flatMap((repo) => [1, 2].map((n) => ({
      type: 'Feature' as const, stac_version: '1.0.0', id: `${repo.collectionId}-${n}`, collection: repo.collectionId, links: [], assets: {},
      geometry: { type: 'Point' as const, coordinates: [n, n] }, properties: { datetime: `2022-0${n}-01T00:00:00Z`, matrix_probe: true },
    })));
    assert.equal((await world.server.catalog.upsertItems(items)).written, items.length);
    await Promise.all(world.personas.map(async (persona) => {
      const expected = world.repos.filter((repo) => listsRepository(world.rank(persona, repo), repo.visibility)).map((r) => r.collectionId).sort();
      const filter = encodeURIComponent('matrix_probe = true');
      const found: string[] = [];
      let numberMatched: number | undefined;
      for (let url: string | undefined = `/stac/search?limit=3&filter=${filter}`; url;) {
        const reply: Reply = await persona.browser.get(url);
        assertStatus(reply, 200);
        numberMatched ??= reply.body.numberMatched;
        assert.equal(reply.body.numberMatched, numberMatched, `${persona.name}: numberMatched is the same on every page`);
        found.push(...reply.body.features.map((f: Json) => f.collection));
        const next: string | undefined = reply.body.links.find((l: Json) => l.rel === 'next')?.href;
        url = next ? next.slice(world.server.url.length) : undefined;
      }
      assert.deepEqual([...new Set(found)].sort(), expected, `${persona.name}: collections of the items found`);
      assert.equal(found.length, expected.length * 2, `${persona.name}: every visible item once`);
      assert.equal(numberMatched, expected.length * 2, `${persona.name}: numberMatched`);
      const aggregate = await persona.browser.get(`/stac/aggregate?aggregations=total_count,collection_frequency&filter=${filter}`);
      assertStatus(aggregate, 200);
      assert.equal(aggregate.body.aggregations[0].value, expected.length * 2, `${persona.name}: total_count`);
      assert.deepEqual(aggregate.body.aggregations[1].buckets.map((b: Json) => b.key).sort(), expected, `${persona.name}: collection_frequency`);
    }));
  });

  test('STAC: a repository collection carries its tags and licence, a world-wide extent, and its repository\'s access', async () => {
    const collection = await world.server.catalog.getCollection(`${PERSON}.p-public`);
    assert.deepEqual(collection?.extent, { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [[null, null]] } });
    assert.deepEqual(collection?.keywords, ['matrix', 'public']);
    assert.equal(collection?.license, 'proprietary');
    assert.deepEqual(await world.server.catalog.collectionRepository(`${ORG}.o-restricted`),
      { accountId: ORG, repositoryId: 'o-restricted', visibility: 'restricted', state: 'published', disabled: false });
  });
});

describe('drafts and disabled repositories', () => {
  test('a draft is seen by write_data and up; a disabled one by owners and admins — everywhere, listings and STAC included', async () => {
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'draft-one', { title: `Draft ${MATRIX_WORD}-draft` }), 201);
    const writer = world.personas.find((p) => p.name === 'repository write_data')!;
    const reader = world.personas.find((p) => p.name === 'repository read_data')!;
    await joinAs(owner, writer.browser, `${PERSON}/draft-one`, 'write_data');
    await joinAs(owner, reader.browser, `${PERSON}/draft-one`, 'read_data');
    const expect = async (who: Browser, status: number, listed: boolean) => {
      assertStatus(await who.get(pathOf(PERSON, 'draft-one')), status);
      const { items } = await collectPages(who, `/api/v1/repositories?q=${MATRIX_WORD}-draft`, 'repositories', 1);
      assert.equal(items.length, listed ? 1 : 0);
      assert.equal((await who.get(`/stac/collections/${PERSON}.draft-one`)).status, status === 200 ? 200 : 404);
    };
    await expect(world.browser(), 404, false);
    await expect(reader.browser, 404, false);
    await expect(writer.browser, 200, true);
    await expect(owner, 200, true);

    assertStatus(await owner.patch(pathOf(PERSON, 'draft-one'), { state: 'published' }), 200);
    await expect(world.browser(), 200, true);
    assertStatus(await owner.patch(pathOf(PERSON, 'draft-one'), { disabled: true }), 403, /moderate/);
    assertStatus(await world.admin.patch(pathOf(PERSON, 'draft-one'), { disabled: true }), 200);
    await expect(world.browser(), 404, false);
    await expect(writer.browser, 404, false);
    await expect(owner, 200, true);
    // Disabled: its owner sees it but may not change it.
    assertStatus(await owner.patch(pathOf(PERSON, 'draft-one'), { title: 'Changed' }), 403, /disabled/);
    assertStatus(await world.admin.patch(pathOf(PERSON, 'draft-one'), { disabled: false }), 200);
    await expect(world.browser(), 200, true);
  });
});

describe('create, read, update', () => {
  test('every field round-trips; the catalog collection follows each change', async () => {
    const owner = world.personOwner;
    const created = await createRepo(owner, PERSON, 'sea-surface', {
      title: 'Sea surface temperature', description: 'Daily SST\nfrom buoys', tags: ['ocean', 'sst', 'ocean'], license: 'CC-BY-4.0', visibility: 'restricted',
    });
    assertStatus(created, 201);
    const body = created.body;
    assert.deepEqual(
      { id: body.id, accountId: body.accountId, repositoryId: body.repositoryId, title: body.title, description: body.description, tags: body.tags, license: body.license, visibility: body.visibility, state: body.state, disabled: body.disabled, featured: body.featured, dataConnectionId: body.dataConnectionId, prefix: body.prefix, collectionId: body.collectionId },
      { id: `${PERSON}/sea-surface`, accountId: PERSON, repositoryId: 'sea-surface', title: 'Sea surface temperature', description: 'Daily SST\nfrom buoys', tags: ['ocean', 'sst'], license: 'CC-BY-4.0', visibility: 'restricted', state: 'draft', disabled: false, featured: false, dataConnectionId: CONNECTION, prefix: `${PERSON}/sea-surface/`, collectionId: `${PERSON}.sea-surface` },
    );
    assert.equal(body.createdAt, body.updatedAt);
    const collection = await world.server.catalog.getCollection(`${PERSON}.sea-surface`);
    assert.equal(collection?.title, 'Sea surface temperature');
    assert.equal(collection?.license, 'CC-BY-4.0');

    const patched = await owner.patch(pathOf(PERSON, 'sea-surface'), { title: 'SST', tags: ['ocean'], license: null, visibility: 'public', state: 'published', updatedAt: body.updatedAt });
    assertStatus(patched, 200);
    assert.equal(patched.body.title, 'SST');
    assert.equal(patched.body.license, undefined);
    assert.ok(patched.body.updatedAt > body.updatedAt);
    assert.deepEqual(await world.server.catalog.collectionRepository(`${PERSON}.sea-surface`),
      { accountId: PERSON, repositoryId: 'sea-surface', visibility: 'public', state: 'published', disabled: false });
    const after = await world.server.catalog.getCollection(`${PERSON}.sea-surface`);
    assert.equal(after?.title, 'SST');
    assert.deepEqual(after?.keywords, ['ocean']);
    assert.equal(after?.license, 'proprietary');
    assert.ok((await stacCollectionIds(world.browser())).includes(`${PERSON}.sea-surface`));

    // The version sent is stale now: 409 and nothing changes.
    assertStatus(await owner.patch(pathOf(PERSON, 'sea-surface'), { title: 'Stale', updatedAt: body.updatedAt }), 409, /changed by someone else/);
    assert.equal((await stored(PERSON, 'sea-surface'))?.title, 'SST');
    assertStatus(await owner.delete(pathOf(PERSON, 'sea-surface')), 204);
    assert.equal(await world.server.catalog.getCollection(`${PERSON}.sea-surface`), undefined);
  });

  test('the data connection must take the visibility, at creation and on every change', async () => {
    await createConnection(world.server, 'open-only', ['public']);
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'closed', { dataConnectionId: 'open-only', visibility: 'restricted' }), 400, /visibility restricted is not allowed on data connection open-only/);
    assert.equal(await stored(PERSON, 'closed'), undefined);
    assertStatus(await createRepo(owner, PERSON, 'opened', { dataConnectionId: 'open-only', visibility: 'public' }), 201);
    const before = await stored(PERSON, 'opened');
    assertStatus(await owner.patch(pathOf(PERSON, 'opened'), { visibility: 'unlisted' }), 400, /not allowed on data connection open-only/);
    assertStatus(await owner.patch(pathOf(PERSON, 'opened'), { dataConnectionId: 'nowhere' }), 400, /dataConnectionId "nowhere" does not name a data connection/);
    assert.deepEqual(await stored(PERSON, 'opened'), before);
    assertStatus(await owner.patch(pathOf(PERSON, 'opened'), { dataConnectionId: CONNECTION, visibility: 'unlisted' }), 200);
  });

  test('a prefix of one\'s own choosing takes the right to manage the data connection', async () => {
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'elsewhere', { prefix: 'og-owners/secret/' }), 403, /data connection/);
    assert.equal(await stored(PERSON, 'elsewhere'), undefined);
    const made = await createRepo(world.admin, PERSON, 'elsewhere', { prefix: 'archive/elsewhere/' });
    assertStatus(made, 201);
    assert.equal(made.body.prefix, 'archive/elsewhere/');
    assertStatus(await owner.patch(pathOf(PERSON, 'elsewhere'), { prefix: 'og-owners/' }), 403, /data connection/);
    assertStatus(await owner.patch(pathOf(PERSON, 'elsewhere'), { prefix: `${PERSON}/elsewhere/` }), 200, undefined);
  });
});

describe('bad input: a clear 4xx, naming the field, and nothing changed', () => {
  test('creates with malformed ids, oversize fields, bad tags, licences, visibilities, states, connections and prefixes', async () => {
    const owner = world.personOwner;
    const before = (await collectPages(owner, `/api/v1/accounts/${PERSON}/repositories`, 'repositories', 100)).items.map((r) => r.id).sort();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'Bad_Id' }, /id "Bad_Id" is not a valid repository id/],
      [{ id: 'ab' }, /not a valid repository id/],
      [{ id: 'sea--lab' }, /not a valid repository id/],
      [{ id: '-sea' }, /not a valid repository id/],
      [{ id: 'x'.repeat(41) }, /not a valid repository id/],
      [{ id: 42 }, /id must be a string/],
      [{ title: undefined }, /title is required/],
      [{ title: '   ' }, /title must not be empty/],
      [{ title: 'x'.repeat(201) }, /title is too long: at most 200 characters/],
      [{ title: 'two\nlines' }, /title contains control characters or line breaks/],
      [{ description: 'x'.repeat(20_001) }, /description is too long: at most 20000 characters/],
      [{ tags: 'ocean' }, /tags must be a list of strings/],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /tags has 21 entries: at most 20/],
      [{ tags: ['Ocean'] }, /tags\[0\] "Ocean" is not a valid tag/],
      [{ tags: ['ok', 'with space'] }, /tags\[1\] "with space" is not a valid tag/],
      [{ tags: ['x'.repeat(51)] }, /is not a valid tag: expected 1 to 50/],
      [{ tags: [''] }, /is not a valid tag/],
      [{ license: 'not a licence!' }, /license "not a licence!" is not a licence identifier/],
      [{ license: 'X'.repeat(65) }, /is not a licence identifier/],
      [{ visibility: 'secret' }, /visibility must be one of public, unlisted, restricted, not "secret"/],
      [{ state: 'live' }, /state must be one of draft, published/],
      [{ dataConnectionId: undefined }, /dataConnectionId is required/],
      [{ dataConnectionId: 'nowhere' }, /dataConnectionId "nowhere" does not name a data connection/],
      [{ prefix: '../up/' }, /prefix "..\/up\/" is not a valid prefix: no empty, '.' or '..' segments/],
      [{ prefix: '/abs/' }, /must not start with '\/'/],
      [{ prefix: 'no-slash' }, /must end with '\/'/],
      [{ featured: true }, /unknown field "featured"/],
      [{ disabled: false }, /unknown field "disabled"/],
    ];
    for (const [fields, message] of cases) {
      const body: Record<string, unknown> = { id: 'valid-id', title: 'Valid', dataConnectionId: CONNECTION, ...fields };
      for (const key of Object.keys(fields)) if (fields[key] === undefined) delete body[key];
      assertStatus(await owner.post(`/api/v1/accounts/${PERSON}/repositories`, body), 400, message);
    }
    assertStatus(await owner.post(`/api/v1/accounts/${PERSON}/repositories`, ['not', 'an', 'object']), 400, /must be a JSON object/);
    assertStatus(await owner.post('/api/v1/accounts/Bad_Account/repositories', { id: 'valid-id', title: 'V', dataConnectionId: CONNECTION }), 400, /account "Bad_Account" is not a valid account id/);
    assertStatus(await owner.patch(pathOf(PERSON, 'p-public'), { description: 'x'.repeat(70_000) }), 413);
    const afterwards = (await collectPages(owner, `/api/v1/accounts/${PERSON}/repositories`, 'repositories', 100)).items.map((r) => r.id).sort();
    assert.deepEqual(afterwards, before);
    assert.equal(await world.server.catalog.getCollection(`${PERSON}.valid-id`), undefined);
  });

  test('malformed paths and queries are 400; a missing repository is 404', async () => {
    const b = world.personOwner;
    assertStatus(await b.get('/api/v1/repositories/Bad_Account/x-y-z'), 400, /account "Bad_Account" is not a valid account id/);
    assertStatus(await b.get(`/api/v1/repositories/${PERSON}/Bad_Repo`), 400, /repository "Bad_Repo" is not a valid repository id/);
    assertStatus(await b.patch(`/api/v1/repositories/${PERSON}/a`, { title: 'x' }), 400, /not a valid repository id/);
    assertStatus(await b.delete(`/api/v1/repositories/${PERSON}/UPPER`), 400);
    assertStatus(await b.get(`/api/v1/repositories/${PERSON}/does-not-exist`), 404);
    assertStatus(await b.get('/api/v1/repositories?limit=0'), 400, /limit must be an integer from 1 to 100/);
    assertStatus(await b.get('/api/v1/repositories?limit=101'), 400);
    assertStatus(await b.get('/api/v1/repositories?cursor=not-a-cursor'), 400, /cursor/);
    assertStatus(await b.get(`/api/v1/accounts/${PERSON}/repositories?cursor=${encodeURIComponent(Buffer.from('{"x":"y"}').toString('base64url'))}`), 400, /cursor/);
    assertStatus(await b.get('/api/v1/repositories?tag=Not%20A%20Tag'), 400, /tag "Not A Tag" is not a valid tag/);
    assertStatus(await b.get(`/api/v1/repositories?q=${'x'.repeat(201)}`), 400, /q is too long/);
    assertStatus(await b.get('/api/v1/repositories?q=a&q=b'), 400, /q must be given once/);
    assertStatus(await b.get('/api/v1/accounts/no-such-account/repositories'), 404);
  });

  test('updates: oversize and unknown fields, nothing to change, moderation by non-admins — 4xx and the repository stays', async () => {
    const owner = world.personOwner;
    const path = pathOf(PERSON, 'p-restricted');
    const before = await stored(PERSON, 'p-restricted');
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ title: 'x'.repeat(201) }, 400, /title is too long/],
      [{ title: null }, 400, /title cannot be removed/],
      [{ tags: ['ok', 'NOT OK'] }, 400, /tags\[1\]/],
      [{ visibility: 'hidden' }, 400, /visibility must be one of/],
      [{ owner: 'someone' }, 400, /unknown field "owner"/],
      [{}, 400, /nothing to change/],
      [{ updatedAt: 'yesterday', title: 'x' }, 400, /updatedAt must be/],
      [{ title: 'Fine', featured: true }, 403, /moderate/],
      [{ title: 'Fine', disabled: true }, 403, /moderate/],
      [{ title: 'Fine', updatedAt: '2000-01-01T00:00:00.000Z' }, 409, /changed by someone else/],
    ];
    for (const [patch, status, message] of cases) assertStatus(await owner.patch(path, patch), status, message);
    assertStatus(await world.admin.patch(path, { featured: 'yes' }), 400, /featured must be true or false/);
    // Those who may not change it are refused before their input is looked at.
    assertStatus(await world.browser().patch(pathOf(PERSON, 'p-public'), { title: 'x'.repeat(201) }), 401);
    assertStatus(await world.personas.find((p) => p.name === 'outsider')!.browser.patch(pathOf(PERSON, 'p-public'), { bogus: 1 }), 403);
    assertStatus(await world.browser().patch(path, { title: 'x'.repeat(201) }), 404);
    assert.deepEqual(await stored(PERSON, 'p-restricted'), before);
  });

  test('a repository id taken under the account is 409 and the first one stays; the same id under another account is fine', async () => {
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'twice', { title: 'First', visibility: 'public' }), 201);
    assertStatus(await createRepo(owner, PERSON, 'twice', { title: 'Second', visibility: 'restricted' }), 409, /repository mx-owner\/twice already exists/);
    const kept = await stored(PERSON, 'twice');
    assert.equal(kept?.title, 'First');
    assert.equal(kept?.visibility, 'public');
    assert.equal((await world.server.catalog.getCollection(`${PERSON}.twice`))?.title, 'First');
    assertStatus(await createRepo(world.orgOwner, ORG, 'twice', { title: 'Theirs' }), 201);
  });
});

describe('listing pages with filtering', () => {
  test('hidden repositories in long runs, text and tag filters: every page full but the last, nothing skipped or repeated', async () => {
    const owner = await world.browser().as('lister');
    // 41 repositories: a run of 17 restricted, then public ones alternating with restricted and unlisted.
    const visible: string[] = [];
    const all: string[] = [];
    for (let i = 0; i < 41; i++) {
      const id = `r-${String(i).padStart(2, '0')}`;
      const visibility = i < 17 ? 'restricted' : ['public', 'restricted', 'unlisted'][i % 3];
      const tags = i % 2 === 0 ? ['even'] : ['odd'];
      assertStatus(await createRepo(owner, 'lister', id, { visibility, state: 'published', tags, title: `Listed ${i % 5 === 0 ? 'quintile' : 'other'}` }), 201);
      all.push(`lister/${id}`);
      if (visibility === 'public') visible.push(`lister/${id}`);
    }
    const stranger = world.browser();
    for (const limit of [1, 2, 3, 7, 100]) {
      const { items } = await collectPages(stranger, '/api/v1/accounts/lister/repositories', 'repositories', limit);
      assert.deepEqual(items.map((r) => r.id), visible, `anonymous, limit ${limit}, in order`);
      const own = await collectPages(owner, '/api/v1/accounts/lister/repositories', 'repositories', limit);
      assert.deepEqual(own.items.map((r) => r.id), all, `the owner, limit ${limit}`);
    }
    const expectFiltered = async (query: string, keep: (i: number) => boolean) => {
      const wanted = all.filter((_, i) => keep(i) && visible.includes(all[i]));
      for (const limit of [1, 4]) {
        const { items } = await collectPages(stranger, `/api/v1/repositories?${query}`, 'repositories', limit);
        assert.deepEqual(items.map((r) => r.id).filter((id) => id.startsWith('lister/')), wanted, `${query}, limit ${limit}`);
      }
    };
    await expectFiltered('tag=even', (i) => i % 2 === 0);
    await expectFiltered('tag=even&tag=odd', () => false);
    await expectFiltered('q=QUINTILE', (i) => i % 5 === 0);
    await expectFiltered('q=listed+quintile&tag=odd', (i) => i % 5 === 0 && i % 2 === 1);
    await expectFiltered('q=lister/r-3', (i) => i >= 30 && i < 40);
  });
});

describe('concurrency', () => {
  test('25 parallel creates of one repository id: exactly one 201, the rest 409; one repository, one collection', async () => {
    const owner = world.personOwner;
    const replies = await Promise.all(Array.from({ length: 25 }, (_, i) =>
      createRepo(owner, PERSON, 'contested', { title: `Contender ${i}`, visibility: i % 2 ? 'public' : 'restricted', state: 'published' })));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(24).fill(409)], statuses.join(','));
    for (const loser of replies.filter((r) => r.status === 409)) assertStatus(loser, 409, /already exists/);
    const winner = replies.find((r) => r.status === 201)!.body;
    const kept = await stored(PERSON, 'contested');
    assert.equal(kept?.title, winner.title);
    assert.equal(kept?.visibility, winner.visibility);
    const collection = await world.server.catalog.collectionRepository(`${PERSON}.contested`);
    assert.equal(collection?.visibility, winner.visibility, 'the catalog has the winner\'s access');
    assert.equal((await world.server.catalog.getCollection(`${PERSON}.contested`))?.title, winner.title);
    const { items } = await collectPages(owner, `/api/v1/repositories?q=${PERSON}/contested`, 'repositories', 10);
    assert.equal(items.length, 1);
  });

  test('parallel updates without a version all apply; with the same version exactly one applies', async () => {
    const owner = world.personOwner;
    assertStatus(await createRepo(owner, PERSON, 'busy', { tags: [] }), 201);
    const patches = await Promise.all(Array.from({ length: 8 }, (_, i) => owner.patch(pathOf(PERSON, 'busy'), { title: `Title ${i}` })));
    assert.ok(patches.every((r) => r.status === 200 || r.status === 409), patches.map((r) => r.status).join(','));
    const version = (await stored(PERSON, 'busy'))!.updatedAt;
    const versioned = await Promise.all(Array.from({ length: 8 }, (_, i) => owner.patch(pathOf(PERSON, 'busy'), { description: `D${i}`, updatedAt: version })));
    const ok = versioned.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, versioned.map((r) => r.status).join(','));
    assert.ok(versioned.every((r) => r.status === 200 || r.status === 409));
    assert.equal((await stored(PERSON, 'busy'))?.description, ok[0].body.description);
    assert.equal((await world.server.catalog.getCollection(`${PERSON}.busy`))?.description, ok[0].body.description, 'the catalog ends as the store');
  });

  test('a delete racing updates leaves no collection behind', async () => {
    const owner = world.personOwner;
    for (let round = 0; round < 5; round++) {
      const id = `racing-${round}`;
      assertStatus(await createRepo(owner, PERSON, id, { visibility: 'public', state: 'published' }), 201);
      await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => owner.patch(pathOf(PERSON, id), { title: `T${i}` })),
        owner.delete(pathOf(PERSON, id)),
      ]);
      assert.equal(await stored(PERSON, id), undefined);
      assert.equal(await world.server.catalog.getCollection(`${PERSON}.${id}`), undefined, `round ${round}`);
    }
  });
});
