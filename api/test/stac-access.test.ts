// The STAC API asks the access rule: search, collection listings, counts, pages,
// aggregations and the landing page's links show only what the caller may list;
// a collection read by its id needs read access, and one the caller may not
// read answers as if it did not exist.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RepositoryRef } from '@meridian/core/access/access-rule';
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { assertStatus, Browser } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const REPOSITORIES: RepositoryRef[] = [
  { accountId: 'acme', repositoryId: 'open', visibility: 'public', state: 'published', disabled: false },
  { accountId: 'acme', repositoryId: 'hidden', visibility: 'unlisted', state: 'published', disabled: false },
  { accountId: 'acme', repositoryId: 'secret', visibility: 'restricted', state: 'published', disabled: false },
];
const collectionId = (r: RepositoryRef) => `${r.accountId}.${r.repositoryId}`;

function collection(id: string): StacCollection {
  return {
    type: 'Collection', stac_version: '1.0.0', id, description: `Collection ${id}`, license: 'CC-BY-4.0', links: [],
    extent: { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [['2020-01-01T00:00:00Z', null]] } },
  };
}

function item(collectionName: string, n: number): StacItem {
  return {
    type: 'Feature', stac_version: '1.0.0', id: `${collectionName}-${n}`, collection: collectionName, links: [], assets: {},
    geometry: { type: 'Point', coordinates: [n, n] }, properties: { datetime: `2021-01-0${n}T00:00:00Z`, title: 'access probe' },
  };
}

let server: TestServer;
const visible = (features: { collection?: string; id: string }[]) => [...new Set(features.map((f) => f.collection ?? f.id))].sort();

before(async () => {
  server = await startTestServer();
  for (const r of REPOSITORIES) {
    assert.equal((await server.catalog.upsertCollections([collection(collectionId(r))], r)).written, 1);
    assert.equal((await server.catalog.upsertItems([1, 2, 3].map((n) => item(collectionId(r), n)))).written, 3);
  }
});
after(() => server?.close());

describe('STAC API under the access rule', () => {
  let anonymous: Browser;
  let owner: Browser;
  let reader: Browser;
  let outsider: Browser;

  before(async () => {
    anonymous = new Browser(server.url);
    owner = await new Browser(server.url).as('acme');
    outsider = await new Browser(server.url).as('outsider');
    reader = await new Browser(server.url).as('reader');
    const now = new Date().toISOString();
    await server.metadata.createMembership({ resource: 'acme/secret', memberId: 'reader', role: 'read_data', state: 'member', invitedBy: 'acme', createdAt: now, updatedAt: now });
  });

  const cases = () => [
    { name: 'anonymous', client: anonymous, lists: ['acme.open'] },
    { name: 'an outsider', client: outsider, lists: ['acme.open'] },
    { name: 'a read_data member of the restricted repository', client: reader, lists: ['acme.open', 'acme.secret'] },
    { name: 'the owning account', client: owner, lists: ['acme.hidden', 'acme.open', 'acme.secret'] },
  ];

  test('search, its count, every page, collection listings, aggregations and child links show only what each caller may list', async () => {
    for (const { name, client, lists } of cases()) {
      const first = await client.get('/stac/search?limit=2');
      assertStatus(first, 200);
      assert.equal(first.body.numberMatched, lists.length * 3, `${name}: numberMatched`);
      const features = [...first.body.features];
      for (let next = first.body.links.find((l: { rel: string }) => l.rel === 'next'); next;) {
        const page = await client.get(new URL(next.href).pathname + new URL(next.href).search);
        features.push(...page.body.features);
        next = page.body.links.find((l: { rel: string }) => l.rel === 'next');
      }
      assert.deepEqual(visible(features), lists, `${name}: items through every page`);
      const collections = await client.get('/stac/collections');
      assert.deepEqual(visible(collections.body.collections), lists, `${name}: collection listing`);
      const total = await client.get('/stac/aggregate?aggregations=total_count');
      assert.equal(total.body.aggregations[0].value, lists.length * 3, `${name}: aggregated count`);
      const landing = await client.get('/stac/');
      const children = landing.body.links.filter((l: { rel: string }) => l.rel === 'child').map((l: { href: string }) => l.href.split('/').at(-1)).sort();
      assert.deepEqual(children, lists, `${name}: landing page children`);
    }
  });

  test('a collection read by its id: unlisted ones by anyone, restricted ones only by those who may read them, others as if absent', async () => {
    for (const client of [anonymous, outsider]) {
      assertStatus(await client.get('/stac/collections/acme.hidden'), 200);
      assert.equal((await client.get('/stac/collections/acme.hidden/items')).body.numberMatched, 3);
      const missing = await client.get('/stac/collections/no-such-collection');
      for (const path of ['/stac/collections/acme.secret', '/stac/collections/acme.secret/items', '/stac/collections/acme.secret/items/acme.secret-1',
        '/stac/collections/acme.secret/queryables', '/stac/collections/acme.secret/aggregate?aggregations=total_count']) {
        const reply = await client.get(path);
        assertStatus(reply, 404);
        assert.equal(reply.body.description, path.endsWith('secret') ? missing.body.description.replace('no-such-collection', 'acme.secret') : reply.body.description);
      }
    }
    for (const client of [reader, owner]) {
      assertStatus(await client.get('/stac/collections/acme.secret'), 200);
      assert.equal((await client.get('/stac/collections/acme.secret/items')).body.numberMatched, 3);
      assertStatus(await client.get('/stac/collections/acme.secret/items/acme.secret-1'), 200);
    }
  });

  test('a POST search authenticated by the session cookie needs its CSRF token', async () => {
    assertStatus(await reader.request('POST', '/stac/search', { json: { limit: 1 }, csrf: false }), 403, /CSRF/);
    const withToken = await reader.post('/stac/search', { limit: 100 });
    assertStatus(withToken, 200);
    assert.deepEqual(visible(withToken.body.features), ['acme.open', 'acme.secret']);
  });

  test('transactions on a repository\'s collection: the admin token, or whoever the access rule lets write to the repository', async () => {
    const admin = new Browser(server.url, server.adminToken);
    const writer = await new Browser(server.url).as('writer');
    const now = new Date().toISOString();
    await server.metadata.createMembership({ resource: 'acme/secret', memberId: 'writer', role: 'write_data', state: 'member', invitedBy: 'acme', createdAt: now, updatedAt: now });
    const items = '/stac/collections/acme.secret/items';
    const probe = item('acme.secret', 7);
    const stored = () => server.catalog.getItem({ collection: 'acme.secret', id: probe.id });

    // Anonymous callers must authenticate first, whatever the collection; the wrong bearer token too.
    for (const path of [items, '/stac/collections/acme.open/items']) assertStatus(await anonymous.post(path, probe), 401);
    assertStatus(await anonymous.request('PUT', `${items}/acme.secret-1`, { json: item('acme.secret', 1) }), 401);
    assertStatus(await anonymous.delete(`${items}/acme.secret-1`), 401);
    assertStatus(await new Browser(server.url, 'not-the-admin-token').post(items, probe), 401);
    // Who may not see the restricted repository finds no collection; who may see it but not write is refused.
    assertStatus(await outsider.post(items, probe), 404);
    assertStatus(await outsider.delete(`${items}/acme.secret-1`), 404);
    assertStatus(await outsider.post('/stac/collections/acme.open/items', item('acme.open', 7)), 403);
    assertStatus(await reader.post(items, probe), 403);
    assertStatus(await reader.request('PUT', `${items}/acme.secret-1`, { json: item('acme.secret', 1) }), 403);
    assertStatus(await reader.patch(`${items}/acme.secret-1`, { properties: { title: 'by a reader' } }), 403);
    assertStatus(await reader.delete(`${items}/acme.secret-1`), 403);
    assert.equal(await stored(), undefined);
    assert.equal((await server.catalog.getItem({ collection: 'acme.secret', id: 'acme.secret-1' }))?.properties.title, 'access probe');

    // A write_data member writes items with its session cookie and CSRF token…
    assertStatus(await writer.request('POST', items, { json: probe, csrf: false }), 403, /CSRF/);
    assertStatus(await writer.post(items, probe), 201);
    assert.equal((await stored())?.properties.title, 'access probe');
    assertStatus(await writer.request('PUT', `${items}/${probe.id}`, { json: { ...probe, properties: { ...probe.properties, title: 'replaced' } } }), 204);
    assert.equal((await stored())?.properties.title, 'replaced');
    assertStatus(await writer.patch(`${items}/${probe.id}`, { properties: { title: 'patched' } }), 204);
    assert.equal((await stored())?.properties.title, 'patched');
    assertStatus(await writer.delete(`${items}/${probe.id}`), 204);
    assert.equal(await stored(), undefined);
    // …or with an API key, but only in the repository it may write to.
    const key = await writer.post('/api/v1/accounts/writer/api-keys', { name: 'stac transactions' });
    assertStatus(key, 201);
    const program = new Browser(server.url, key.body.token);
    assertStatus(await program.post(items, probe), 201);
    assertStatus(await program.delete(`${items}/${probe.id}`), 204);
    assertStatus(await writer.post('/stac/collections/acme.open/items', item('acme.open', 7)), 403);
    // The collection itself needs repository:update (maintainers and up); creating one, the admin token.
    assertStatus(await writer.patch('/stac/collections/acme.secret', { description: 'by a writer' }), 403);
    assertStatus(await owner.patch('/stac/collections/acme.secret', { description: 'by its owner' }), 204);
    assert.equal((await server.catalog.getCollection('acme.secret'))?.description, 'by its owner');
    assertStatus(await owner.post('/stac/collections', collection('acme.new')), 403);
    assertStatus(await anonymous.post('/stac/collections', collection('acme.new')), 401);

    // A collection of no repository takes writes from the admin token only; the admin token still writes everywhere.
    assertStatus(await admin.post('/stac/collections', collection('loose')), 201);
    assertStatus(await owner.post('/stac/collections/loose/items', item('loose', 1)), 403);
    assertStatus(await owner.patch('/stac/collections/loose', { description: 'by someone' }), 403);
    assertStatus(await admin.post('/stac/collections/loose/items', item('loose', 1)), 201);
    assertStatus(await admin.delete('/stac/collections/loose'), 204);
    assertStatus(await admin.post(items, probe), 201);
    assertStatus(await admin.request('PUT', `${items}/${probe.id}`, { json: probe }), 204);
    assertStatus(await admin.patch(`${items}/${probe.id}`, { properties: { title: 'by the admin token' } }), 204);
    assertStatus(await admin.delete(`${items}/${probe.id}`), 204);
    const current = await server.catalog.getCollection('acme.secret');
    assertStatus(await admin.request('PUT', '/stac/collections/acme.secret', { json: { ...current, description: `Collection acme.secret` } }), 204);
    assert.deepEqual(await server.catalog.collectionRepository('acme.secret'), REPOSITORIES[2], 'the collection keeps its repository');
  });

  test('global queryables, sortables and the list of aggregations derive only from what the caller may find', async () => {
    const secret = { ...item('acme.secret', 8), properties: { datetime: '2021-01-08T00:00:00Z', only_secret: 'x' } };
    assert.equal((await server.catalog.upsertItems([secret])).written, 1);
    try {
      for (const { name, client, lists } of cases()) {
        const sees = lists.includes('acme.secret');
        const queryables = await client.get('/stac/queryables');
        assertStatus(queryables, 200);
        assert.ok('title' in queryables.body.properties, `${name}: what it may find is queryable`);
        assert.equal('only_secret' in queryables.body.properties, sees, `${name}: queryables`);
        assert.equal('only_secret' in (await client.get('/stac/sortables')).body.properties, sees, `${name}: sortables`);
        const aggregations = (await client.get('/stac/aggregations')).body.aggregations.map((a: { name: string }) => a.name);
        assert.equal(aggregations.includes('only_secret_frequency'), sees, `${name}: aggregations`);
      }
    } finally {
      await server.catalog.deleteItems([{ collection: 'acme.secret', id: secret.id }]);
    }
  });
});
