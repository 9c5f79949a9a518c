// The STAC API over HTTP, part 3: the transaction extension for collections and
// items (create, replace, merge-patch, delete, bulk ItemCollections) and its
// authorization by the admin bearer token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertError, assertOk, Client, fixtures, GEOJSON, ids, JOPLIN, JSON_TYPE, link, S2, walk, type Json,
  startLoadedServer,
} from './stac-helpers.ts';
import type { TestServer } from './test-server.ts';

const data = fixtures();
let server: TestServer;
let client: Client;

before(async () => ({ server, client } = await startLoadedServer(data)));
after(() => server?.close());

const MERGE_PATCH = 'application/merge-patch+json';

function newCollection(id: string, extra: Json = {}): Json {
  return { ...structuredClone(data.collections[JOPLIN]), id, title: `Collection ${id}`, ...extra };
}

/** A Joplin item moved into `collection` under a new id. */
function newItem(id: string, collection: string, extra: Json = {}): Json {
  const item = structuredClone(data.joplin[0]);
  return { ...item, id, collection, ...extra };
}

async function createCollection(id: string, extra: Json = {}): Promise<void> {
  const reply = await client.write('POST', '/collections', newCollection(id, extra));
  assert.equal(reply.status, 201, reply.text);
}

async function search(params: Record<string, string | number>): Promise<string[]> {
  const reply = await client.query('/search', { limit: 1000, ...params });
  assertOk(reply);
  return ids(reply).sort();
}

describe('authorization', () => {
  const item = data.joplin[1];
  const writes: [string, string, unknown][] = [
    ['POST', '/collections', newCollection('unauthorized')],
    ['PUT', `/collections/${JOPLIN}`, data.collections[JOPLIN]],
    ['PATCH', `/collections/${JOPLIN}`, { title: 'hacked' }],
    ['DELETE', `/collections/${JOPLIN}`, undefined],
    ['POST', `/collections/${JOPLIN}/items`, newItem('unauthorized', JOPLIN)],
    ['PUT', `/collections/${JOPLIN}/items/${item.id}`, item],
    ['PATCH', `/collections/${JOPLIN}/items/${item.id}`, { properties: { gsd: 1 } }],
    ['DELETE', `/collections/${JOPLIN}/items/${item.id}`, undefined],
    ['DELETE', '/collections/no-such-collection', undefined],
  ];

  test('without a token → 401 with WWW-Authenticate', async () => {
    for (const [method, path, body] of writes) {
      const reply = await client.request(method, path, { body });
      assertError(reply, 401, /Authorization: Bearer/);
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${method} ${path}`);
    }
  });

  test('with a wrong or malformed token → 401 with WWW-Authenticate', async () => {
    for (const authorization of [`Bearer ${server.adminToken}x`, 'Bearer wrong', `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}`,
      'Bearer', `Bearer ${server.adminToken} extra`, server.adminToken, `Token ${server.adminToken}`]) {
      for (const [method, path, body] of writes) {
        const reply = await client.request(method, path, { body, headers: { authorization } });
        assertError(reply, 401);
        assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer\b/);
      }
    }
  });

  test('nothing was changed by the refused writes', async () => {
    assertError(await client.get('/collections/unauthorized'), 404);
    const collection = await client.get(`/collections/${JOPLIN}`);
    assertOk(collection, JSON_TYPE);
    assert.equal(collection.body.title, undefined);
    const stored = await client.get(`/collections/${JOPLIN}/items/${item.id}`);
    assertOk(stored);
    assert.deepEqual(stored.body.properties, item.properties);
    assert.equal((await search({ collections: JOPLIN })).length, 30);
  });

  test('the scheme name is case-insensitive; reads need no token', async () => {
    const reply = await client.request('PATCH', `/collections/${JOPLIN}`, { body: {}, headers: { authorization: `bearer ${server.adminToken}`, 'content-type': MERGE_PATCH } });
    assert.equal(reply.status, 204, reply.text);
    assertOk(await client.get('/collections'), JSON_TYPE);
  });
});

describe('collections', () => {
  const id = 'tx-collection';

  test('POST → 201 with Location and the collection, then readable', async () => {
    const doc = newCollection(id, { keywords: ['transactional'] });
    const reply = await client.write('POST', '/collections', doc);
    assert.equal(reply.status, 201, reply.text);
    const url = `${server.stac}/collections/${id}`;
    assert.equal(reply.headers.get('location'), url);
    assert.equal(reply.type.split(';')[0], JSON_TYPE);
    assert.equal(reply.body.id, id);
    assert.equal(link(reply.body, 'self').href, url);
    const got = await client.get(url);
    assertOk(got, JSON_TYPE);
    const { links: _a, ...expected } = doc;
    const { links: _b, ...actual } = got.body;
    assert.deepEqual(actual, expected);
    const landing = await client.get('/');
    assert.ok(landing.body.links.some((l: Json) => l.rel === 'child' && l.href === url), 'the landing page links it');
    const found = await client.query('/collections', { q: 'transactional' });
    assert.deepEqual(found.body.collections.map((c: Json) => c.id), [id]);
  });

  test('POST a duplicate → 409', async () => {
    assertError(await client.write('POST', '/collections', newCollection(id)), 409, /already exists/);
  });

  test('POST an invalid collection → 400', async () => {
    const { extent: _extent, ...noExtent } = newCollection('bad-1');
    assertError(await client.write('POST', '/collections', noExtent), 400, /extent/);
    const { id: _id, ...noId } = newCollection('bad-2');
    assertError(await client.write('POST', '/collections', noId), 400, /id/);
    assertError(await client.write('POST', '/collections', newCollection('bad-3', { type: 'Catalog' })), 400, /Collection/);
    assertError(await client.write('POST', '/collections', newCollection('bad-4', { license: 5 })), 400, /license/);
    assertError(await client.write('POST', '/collections', newCollection('bad-5', { extent: { spatial: { bbox: [[1, 2, 3]] }, temporal: { interval: [[null, null]] } } })), 400, /bbox/);
    assertError(await client.write('POST', '/collections', newCollection('bad-6', { extent: { spatial: { bbox: [[0, 0, 1, 1]] }, temporal: { interval: [['2021-01-01', null]] } } })), 400, /interval/);
    assertError(await client.write('POST', '/collections', newCollection('', {})), 400, /id/);
    assertError(await client.write('POST', '/collections', [newCollection('bad-7')]), 400, /STAC Collection/);
    assertError(await client.write('POST', '/collections', '{"id": '), 400, /JSON/);
    for (const bad of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6', 'bad-7']) assertError(await client.get(`/collections/${bad}`), 404);
  });

  test('PUT → 204 and the content is replaced; the items stay', async () => {
    assert.equal((await client.write('POST', `/collections/${id}/items`, newItem('kept-item', id))).status, 201);
    const replacement = newCollection(id, { title: 'Replaced title', description: 'A replaced description about marmots', keywords: undefined });
    const reply = await client.write('PUT', `/collections/${id}`, replacement);
    assert.equal(reply.status, 204, reply.text);
    assert.equal(reply.text, '');
    const got = await client.get(`/collections/${id}`);
    assert.equal(got.body.title, 'Replaced title');
    assert.equal(got.body.keywords, undefined);
    assert.deepEqual((await client.query('/collections', { q: 'marmots' })).body.collections.map((c: Json) => c.id), [id]);
    assert.deepEqual((await client.query('/collections', { q: 'transactional' })).body.collections, [], 'the old text is no longer indexed');
    // The id may be left out: the URL names the collection.
    const { id: _id, ...withoutId } = newCollection(id, { title: 'Without id' });
    assert.equal((await client.write('PUT', `/collections/${id}`, withoutId)).status, 204);
    assert.equal((await client.get(`/collections/${id}`)).body.title, 'Without id');
    assert.deepEqual(await search({ collections: id }), ['kept-item']);
  });

  test('PUT with a mismatched id → 400; unknown collection → 404; invalid → 400 and unchanged', async () => {
    assertError(await client.write('PUT', `/collections/${id}`, newCollection('another-id')), 400, /does not match/);
    assertError(await client.write('PUT', '/collections/no-such-collection', newCollection('no-such-collection')), 404, /no-such-collection/);
    assertError(await client.write('PUT', `/collections/${id}`, newCollection(id, { extent: 'everywhere' })), 400, /extent/);
    assertError(await client.write('PUT', `/collections/${id}`, [1]), 400);
    assert.equal((await client.get(`/collections/${id}`)).body.title, 'Without id');
    assertError(await client.get('/collections/another-id'), 404);
  });

  test('PATCH with a JSON merge patch → 204 and merged', async () => {
    const before = (await client.get(`/collections/${id}`)).body;
    const patch = { title: 'Patched title', keywords: ['patched'], extent: { temporal: { interval: [['1999-01-01T00:00:00Z', null]] } }, 'sci:doi': '10.0/x' };
    const reply = await client.write('PATCH', `/collections/${id}`, JSON.stringify(patch), { 'content-type': MERGE_PATCH });
    assert.equal(reply.status, 204, reply.text);
    const after = (await client.get(`/collections/${id}`)).body;
    assert.equal(after.title, 'Patched title');
    assert.deepEqual(after.keywords, ['patched']);
    assert.equal(after['sci:doi'], '10.0/x');
    assert.equal(after.description, before.description, 'untouched members stay');
    assert.deepEqual(after.extent.spatial, before.extent.spatial, 'nested members merge');
    assert.deepEqual(after.extent.temporal.interval, [['1999-01-01T00:00:00Z', null]]);
    // null removes a member.
    assert.equal((await client.write('PATCH', `/collections/${id}`, { 'sci:doi': null }, { 'content-type': MERGE_PATCH })).status, 204);
    assert.equal((await client.get(`/collections/${id}`)).body['sci:doi'], undefined);
    // The new temporal extent is searchable.
    const found = await client.query('/collections', { datetime: '1999-06-01T00:00:00Z' });
    assert.deepEqual(found.body.collections.map((c: Json) => c.id), [id]);
  });

  test('PATCH that breaks the collection, changes its id, or targets nothing → 400/404, unchanged', async () => {
    assertError(await client.write('PATCH', `/collections/${id}`, { license: null }, { 'content-type': MERGE_PATCH }), 400, /license/);
    assertError(await client.write('PATCH', `/collections/${id}`, { id: 'renamed' }, { 'content-type': MERGE_PATCH }), 400, /does not match/);
    assertError(await client.write('PATCH', `/collections/${id}`, [{ op: 'replace', path: '/title', value: 'x' }], { 'content-type': MERGE_PATCH }), 400, /merge patch/);
    assertError(await client.write('PATCH', '/collections/no-such-collection', { title: 'x' }, { 'content-type': MERGE_PATCH }), 404);
    const after = (await client.get(`/collections/${id}`)).body;
    assert.equal(after.license, data.collections[JOPLIN].license);
    assert.equal(after.title, 'Patched title');
  });

  test('DELETE → 204, then 404; its items leave search; deleting again → 204', async () => {
    const doomed = 'tx-doomed';
    await createCollection(doomed);
    const features = [newItem('doomed-1', doomed, { properties: { ...data.joplin[0].properties, 'tx:unique': 'yes' } }), newItem('doomed-2', doomed)];
    const bulk = await client.write('POST', `/collections/${doomed}/items`, { type: 'FeatureCollection', features });
    assert.equal(bulk.status, 201, bulk.text);
    assert.deepEqual(await search({ collections: doomed }), ['doomed-1', 'doomed-2']);
    assert.ok((await client.get('/queryables')).body.properties['tx:unique'], 'its property is queryable');

    const reply = await client.write('DELETE', `/collections/${doomed}`);
    assert.equal(reply.status, 204, reply.text);
    assertError(await client.get(`/collections/${doomed}`), 404);
    assertError(await client.get(`/collections/${doomed}/items`), 404);
    assertError(await client.get(`/collections/${doomed}/items/doomed-1`), 404);
    assert.deepEqual(await search({ collections: doomed }), []);
    assert.deepEqual(await search({ ids: 'doomed-1,doomed-2' }), []);
    assert.deepEqual(await search({ q: 'tx-doomed' }), []);
    assert.equal((await client.get('/queryables')).body.properties['tx:unique'], undefined, 'its queryables are gone');
    assertError(await client.get(`/collections/${doomed}/queryables`), 404);
    const landing = await client.get('/');
    assert.ok(!landing.body.links.some((l: Json) => l.href.endsWith(`/collections/${doomed}`)));
    const aggregate = await client.query('/aggregate', { aggregations: 'collection_frequency' });
    assert.ok(!aggregate.body.aggregations[0].buckets.some((b: Json) => b.key === doomed));

    assert.equal((await client.write('DELETE', `/collections/${doomed}`)).status, 204, 'DELETE is idempotent');
    assert.equal((await client.write('DELETE', '/collections/never-existed')).status, 204);
    // Other collections keep their items.
    assert.equal((await search({ collections: JOPLIN })).length, 30);
  });

  test('a deleted collection can be created again, empty', async () => {
    const id2 = 'tx-reborn';
    await createCollection(id2);
    assert.equal((await client.write('POST', `/collections/${id2}/items`, newItem('reborn-1', id2))).status, 201);
    assert.equal((await client.write('DELETE', `/collections/${id2}`)).status, 204);
    await createCollection(id2);
    assert.deepEqual(await search({ collections: id2 }), []);
  });
});

describe('items', () => {
  const collection = 'tx-items';
  before(async () => {
    await createCollection(collection);
  });

  test('POST an item → 201 with Location and the geo+json item', async () => {
    const { collection: _c, ...item } = newItem('item-1', collection);
    const reply = await client.write('POST', `/collections/${collection}/items`, item, { 'content-type': GEOJSON, origin: 'https://stac-browser.example' });
    assert.equal(reply.status, 201, reply.text);
    assert.match(reply.headers.get('access-control-expose-headers') ?? '', /Location/i, 'browsers may read Location');
    const url = `${server.stac}/collections/${collection}/items/item-1`;
    assert.equal(reply.headers.get('location'), url);
    assert.equal(reply.type.split(';')[0], GEOJSON);
    assert.equal(reply.body.id, 'item-1');
    assert.equal(reply.body.collection, collection, 'the collection is taken from the URL');
    assert.equal(link(reply.body, 'self').href, url);
    const got = await client.get(url);
    assertOk(got, GEOJSON);
    assert.deepEqual(got.body.properties, item.properties);
    assert.deepEqual(got.body.geometry, item.geometry);
    assert.deepEqual(await search({ collections: collection }), ['item-1']);
    assert.deepEqual(await search({ ids: 'item-1', bbox: item.bbox.join(','), datetime: item.properties.datetime }), ['item-1']);
    // application/json works too.
    const json = await client.write('POST', `/collections/${collection}/items`, newItem('item-2', collection));
    assert.equal(json.status, 201, json.text);
  });

  test('POST a duplicate → 409', async () => {
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('item-1', collection)), 409, /already exists/);
  });

  test('POST invalid items → 400; to an unknown collection → 404', async () => {
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('bad-1', JOPLIN)), 400, /does not match/);
    const { id: _id, ...noId } = newItem('x', collection);
    assertError(await client.write('POST', `/collections/${collection}/items`, noId), 400, /id/);
    const noDatetime = newItem('bad-2', collection);
    noDatetime.properties = { gsd: 1 };
    assertError(await client.write('POST', `/collections/${collection}/items`, noDatetime), 400, /datetime/);
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('bad-3', collection, { geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } })), 400, /geometry/);
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('bad-4', collection, { type: 'Thing' })), 400, /Feature/);
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('bad-5', collection, { properties: { datetime: '2020-02-30T00:00:00Z' } })), 400, /datetime/);
    assertError(await client.write('POST', `/collections/${collection}/items`, newItem('bad-6', collection, { bbox: [1, 2, 3] })), 400, /bbox/);
    assertError(await client.write('POST', `/collections/${collection}/items`, [newItem('bad-7', collection)]), 400, /STAC Item/);
    assertError(await client.write('POST', `/collections/${collection}/items`, 'not json'), 400, /JSON/);
    assertError(await client.write('POST', '/collections/no-such-collection/items', newItem('x', 'no-such-collection')), 404, /no-such-collection/);
    assert.deepEqual(sortedIds(await search({ collections: collection })), ['item-1', 'item-2']);
  });

  test('PUT → 204 and the content is replaced (and re-indexed)', async () => {
    const moved = newItem('item-1', collection, {
      geometry: { type: 'Point', coordinates: [10, 50] },
      bbox: [10, 50, 10, 50],
      properties: { datetime: '2015-05-05T00:00:00Z', title: 'Moved item about walruses' },
    });
    const reply = await client.write('PUT', `/collections/${collection}/items/item-1`, moved, { 'content-type': GEOJSON });
    assert.equal(reply.status, 204, reply.text);
    assert.equal(reply.text, '');
    const got = await client.get(`/collections/${collection}/items/item-1`);
    assert.deepEqual(got.body.properties, moved.properties);
    assert.deepEqual(got.body.geometry, moved.geometry);
    assert.deepEqual(await search({ collections: collection, bbox: '9,49,11,51' }), ['item-1']);
    assert.deepEqual(await search({ collections: collection, datetime: '2015-05-05T00:00:00Z' }), ['item-1']);
    assert.deepEqual(await search({ collections: collection, q: 'walruses' }), ['item-1']);
    assert.deepEqual(await search({ collections: collection, bbox: data.joplin[0].bbox.join(',') }), ['item-2'], 'not found at its old place');
    assert.deepEqual(await search({ collections: collection, datetime: data.joplin[0].properties.datetime }), ['item-2'], 'nor at its old time');
  });

  test('PUT with a mismatched id or collection → 400; unknown item → 404; invalid → 400 and unchanged', async () => {
    assertError(await client.write('PUT', `/collections/${collection}/items/item-1`, newItem('item-9', collection)), 400, /does not match/);
    assertError(await client.write('PUT', `/collections/${collection}/items/item-1`, newItem('item-1', JOPLIN)), 400, /does not match/);
    assertError(await client.write('PUT', `/collections/${collection}/items/no-such-item`, newItem('no-such-item', collection)), 404, /no-such-item/);
    assertError(await client.write('PUT', `/collections/no-such-collection/items/item-1`, newItem('item-1', 'no-such-collection')), 404);
    const broken = newItem('item-1', collection);
    broken.properties = {};
    assertError(await client.write('PUT', `/collections/${collection}/items/item-1`, broken), 400, /datetime/);
    assert.equal((await client.get(`/collections/${collection}/items/item-1`)).body.properties.title, 'Moved item about walruses');
    assertError(await client.get(`/collections/${collection}/items/item-9`), 404);
  });

  test('PATCH with application/merge-patch+json → 204 and merged', async () => {
    const before = (await client.get(`/collections/${collection}/items/item-2`)).body;
    const patch = { properties: { 'eo:cloud_cover': 5, gsd: null, orientation: 'oblique' }, assets: { extra: { href: 'https://example.com/x.tif' } } };
    const reply = await client.write('PATCH', `/collections/${collection}/items/item-2`, JSON.stringify(patch), { 'content-type': MERGE_PATCH });
    assert.equal(reply.status, 204, reply.text);
    const after = (await client.get(`/collections/${collection}/items/item-2`)).body;
    assert.equal(after.properties['eo:cloud_cover'], 5);
    assert.equal(after.properties.orientation, 'oblique');
    assert.ok(!('gsd' in after.properties), 'null removes a member');
    assert.equal(after.properties.datetime, before.properties.datetime);
    assert.equal(after.properties.width, before.properties.width);
    assert.deepEqual(after.assets.extra, { href: 'https://example.com/x.tif' });
    for (const key of Object.keys(before.assets)) assert.deepEqual(after.assets[key], before.assets[key]);
    assert.deepEqual(after.geometry, before.geometry);
    assert.deepEqual(await search({ collections: collection, filter: '"eo:cloud_cover" = 5' }), ['item-2'], 'the patch is searchable');
    assert.deepEqual(await search({ collections: collection, filter: 'gsd IS NULL' }), sortedIds(['item-1', 'item-2']));
  });

  test('PATCH that breaks the item, renames it, or targets nothing → 400/404, unchanged', async () => {
    assertError(await client.write('PATCH', `/collections/${collection}/items/item-2`, { properties: { datetime: null } }, { 'content-type': MERGE_PATCH }), 400, /datetime/);
    assertError(await client.write('PATCH', `/collections/${collection}/items/item-2`, { geometry: { type: 'Point', coordinates: [500, 0] } }, { 'content-type': MERGE_PATCH }), 400, /geometry/);
    assertError(await client.write('PATCH', `/collections/${collection}/items/item-2`, { id: 'renamed' }, { 'content-type': MERGE_PATCH }), 400, /does not match/);
    assertError(await client.write('PATCH', `/collections/${collection}/items/item-2`, { collection: JOPLIN }, { 'content-type': MERGE_PATCH }), 400, /does not match/);
    assertError(await client.write('PATCH', `/collections/${collection}/items/item-2`, [], { 'content-type': MERGE_PATCH }), 400, /merge patch/);
    assertError(await client.write('PATCH', `/collections/${collection}/items/no-such-item`, { properties: {} }, { 'content-type': MERGE_PATCH }), 404);
    const after = (await client.get(`/collections/${collection}/items/item-2`)).body;
    assert.equal(after.properties['eo:cloud_cover'], 5);
    assert.equal(typeof after.properties.datetime, 'string');
  });

  test('DELETE → 204, then 404 and gone from search; deleting again → 204', async () => {
    const reply = await client.write('DELETE', `/collections/${collection}/items/item-1`);
    assert.equal(reply.status, 204, reply.text);
    assertError(await client.get(`/collections/${collection}/items/item-1`), 404);
    assert.deepEqual(await search({ ids: 'item-1' }), []);
    assert.deepEqual(await search({ q: 'walruses' }), []);
    assert.equal((await client.write('DELETE', `/collections/${collection}/items/item-1`)).status, 204);
    assert.equal((await client.write('DELETE', `/collections/${collection}/items/never-existed`)).status, 204);
    assert.deepEqual(await search({ collections: collection }), ['item-2']);
  });

  test('POST an ItemCollection → 201 with the written count', async () => {
    const features = [1, 2, 3].map((n) => newItem(`bulk-${n}`, collection));
    const reply = await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features }, { 'content-type': GEOJSON });
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual(reply.body, { written: 3, errors: [] });
    for (const f of features) assertOk(await client.get(`/collections/${collection}/items/${f.id}`));
    // Items without a collection take the URL's; a bulk write replaces existing items.
    const again = features.map((f) => ({ ...f, collection: undefined, properties: { ...f.properties, gsd: 42 } }));
    const replaced = await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features: again });
    assert.equal(replaced.status, 201, replaced.text);
    assert.deepEqual(replaced.body, { written: 3, errors: [] });
    assert.deepEqual(await search({ collections: collection, filter: 'gsd = 42' }), ['bulk-1', 'bulk-2', 'bulk-3']);
  });

  test('an ItemCollection with bad items → 400 listing each bad index; the good ones are written', async () => {
    const noDatetime = newItem('mixed-3', collection);
    noDatetime.properties = { gsd: 1 };
    const features: unknown[] = [
      newItem('mixed-0', collection),
      newItem('mixed-1', JOPLIN),
      newItem('mixed-2', collection),
      noDatetime,
      newItem('mixed-4', collection, { geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }),
      'not an item',
      newItem('mixed-6', collection),
      newItem('', collection),
    ];
    const reply = await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features });
    assertError(reply, 400, /5 of 8/);
    assert.equal(reply.body.written, 3);
    assert.deepEqual(reply.body.errors.map((e: Json) => e.index), [1, 3, 4, 5, 7]);
    const message = (index: number) => reply.body.errors.find((e: Json) => e.index === index).message;
    assert.match(message(1), /collection/);
    assert.match(message(3), /datetime/);
    assert.match(message(4), /closed|geometry/);
    assert.match(message(5), /not a STAC Item/);
    assert.match(message(7), /id/);
    for (const good of ['mixed-0', 'mixed-2', 'mixed-6']) assertOk(await client.get(`/collections/${collection}/items/${good}`));
    for (const bad of ['mixed-1', 'mixed-3', 'mixed-4']) assertError(await client.get(`/collections/${collection}/items/${bad}`), 404);
    assertError(await client.get(`/collections/${JOPLIN}/items/mixed-1`), 404, /mixed-1/);
  });

  test('malformed ItemCollections → 400', async () => {
    assertError(await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection' }), 400, /features/);
    assertError(await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features: {} }), 400, /features/);
    const empty = await client.write('POST', `/collections/${collection}/items`, { type: 'FeatureCollection', features: [] });
    assert.equal(empty.status, 201, empty.text);
    assert.deepEqual(empty.body, { written: 0, errors: [] });
  });

  test('a bulk body larger than the 1 MB search limit is accepted by the transaction endpoint', async () => {
    const features = Array.from({ length: 80 }, (_, n) => ({ ...structuredClone(data.s2[n % data.s2.length]), id: `large-${n}`, collection }));
    const body = JSON.stringify({ type: 'FeatureCollection', features });
    assert.ok(body.length > 1_300_000, `${body.length} bytes`);
    const reply = await client.write('POST', `/collections/${collection}/items`, body);
    assert.equal(reply.status, 201, reply.text.slice(0, 300));
    assert.equal(reply.body.written, 80);
    const found = await client.query('/search', { collections: collection, filter: "id LIKE 'large-%'", limit: 1 });
    assert.equal(found.body.numberMatched, 80);
  });

  test('an item without geometry is stored and found, except by spatial searches', async () => {
    const item = { ...newItem('no-geometry', collection), geometry: null, bbox: undefined };
    const created = await client.write('POST', `/collections/${collection}/items`, item);
    assert.equal(created.status, 201, created.text);
    assertOk(await client.get(`/collections/${collection}/items/no-geometry`));
    assert.deepEqual(await search({ ids: 'no-geometry' }), ['no-geometry']);
    assert.deepEqual(await search({ ids: 'no-geometry', bbox: '-180,-90,180,90' }), []);
    assert.deepEqual(await search({ ids: 'no-geometry', intersects: JSON.stringify({ type: 'Point', coordinates: [0, 0] }) }), []);
    assert.deepEqual(await search({ ids: 'no-geometry', filter: 'S_INTERSECTS(geometry, BBOX(-180,-90,180,90))' }), []);
    assert.deepEqual(await search({ ids: 'no-geometry', filter: 'geometry IS NULL' }), ['no-geometry']);
    const aggregate = await client.query('/aggregate', { aggregations: 'total_count,centroid_geotile_grid_frequency', ids: 'no-geometry' });
    assertOk(aggregate, JSON_TYPE);
    assert.equal(aggregate.body.aggregations[0].value, 1);
    assert.deepEqual(aggregate.body.aggregations[1].buckets, []);
  });

  test('the same item id in two collections: both found, each with its own links', async () => {
    const other = 'tx-items-twin';
    await createCollection(other);
    assert.equal((await client.write('POST', `/collections/${other}/items`, newItem('item-2', other))).status, 201);
    const reply = await client.query('/search', { ids: 'item-2' });
    assert.deepEqual(reply.body.features.map((f: Json) => f.collection).sort(), [collection, other].sort());
    for (const f of reply.body.features) assert.equal(link(f, 'self').href, `${server.stac}/collections/${f.collection}/items/item-2`);
    assert.equal((await client.write('DELETE', `/collections/${other}/items/item-2`)).status, 204);
    assertOk(await client.get(`/collections/${collection}/items/item-2`), GEOJSON);
  });

  test('paging sorted by a property of mixed types reaches every item once, both ways', async () => {
    const mixed = 'tx-mixed';
    await createCollection(mixed);
    const ranks: unknown[] = [1, 2.5, 'a', '10', true, false, null, undefined, [1], { x: 1 }, -3, 'B', 0];
    const features = ranks.map((rank, n) => newItem(`m${n}`, mixed, { properties: { datetime: '2010-01-01T00:00:00Z', ...(rank === undefined ? {} : { rank }) } }));
    assert.equal((await client.write('POST', `/collections/${mixed}/items`, { type: 'FeatureCollection', features })).status, 201);
    const all = features.map((f) => f.id).sort();
    for (const sortby of ['rank', '-rank']) {
      const forward = await walk(client, await client.query('/search', { collections: mixed, sortby, limit: 2 }), 'next');
      assert.deepEqual([...forward.pages.flat()].sort(), all, sortby);
      const backward = await walk(client, forward.last, 'prev');
      assert.deepEqual([...backward.pages].reverse().flat(), forward.pages.flat(), sortby);
      const numbers = forward.pages.flat().filter((id) => typeof ranks[Number(id.slice(1))] === 'number').map((id) => ranks[Number(id.slice(1))] as number);
      const ordered = [...numbers].sort((a, b) => (sortby === 'rank' ? a - b : b - a));
      assert.deepEqual(numbers, ordered, `numbers in ${sortby} order`);
    }
    const post = await walk(client, await client.post('/search', { collections: [mixed], sortby: [{ field: 'rank', direction: 'desc' }], limit: 3 }), 'next');
    assert.deepEqual([...post.pages.flat()].sort(), all);
  });

  test('stored property names with a double quote or a backslash are filtered and aggregated like any other', async () => {
    const odd = 'tx-odd-names';
    await createCollection(odd);
    const item = newItem('odd-1', odd);
    item.properties = { ...item.properties, 'quote"name': 'y', 'back\\slash': 'z' };
    assert.equal((await client.write('POST', `/collections/${odd}/items`, item)).status, 201);
    const filtered = await client.post('/search', { collections: [odd], filter: { op: '=', args: [{ property: 'quote"name' }, 'y'] } });
    assertOk(filtered);
    assert.deepEqual(ids(filtered), ['odd-1']);
    const names = (await client.get(`/collections/${odd}/aggregations`)).body.aggregations.map((a: Json) => a.name);
    for (const [name, key] of [['quote"name_frequency', 'y'], ['back\\slash_frequency', 'z']]) {
      assert.ok(names.includes(name), name);
      const reply = await client.query(`/collections/${odd}/aggregate`, { aggregations: name });
      assertOk(reply, JSON_TYPE);
      assert.deepEqual(reply.body.aggregations[0].buckets, [{ key, frequency: 1 }], name);
    }
  });

  test('the items of other collections are untouched', async () => {
    assert.equal((await search({ collections: JOPLIN })).length, 30);
    assert.equal((await search({ collections: S2 })).length, 10);
  });
});

function sortedIds(values: string[]): string[] {
  return [...values].sort();
}
