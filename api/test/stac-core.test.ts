// The STAC API over HTTP, part 1: landing page, conformance, service description,
// request ids, CORS, errors, collections, items, queryables, sortables and
// aggregation. Data is loaded through the API's own transaction endpoints.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import {
  ALL_COLLECTIONS, assertError, assertOk, Client, datetimeRange, fixtures, GEOJSON, ids, JOPLIN, JSON_TYPE, L1C, link, loadFixtures,
  maybeLink, OPENAPI_JSON, REL_QUERYABLES, REL_SORTABLES, S2, SCHEMA_JSON, SIMPLE, sorted, walk, type Json,
  startLoadedServer,
} from './stac-helpers.ts';
import { servedRoutes, toOpenApiPath } from './served-routes.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const data = fixtures();
let server: TestServer;
let client: Client;

before(async () => ({ server, client } = await startLoadedServer(data)));
after(() => server?.close());

/** "a/b; x=1; charset=utf-8" → { base: "a/b", params: { x: "1", charset: "utf-8" } } */
function mediaType(header: string): { base: string; params: Record<string, string> } {
  const [base, ...rest] = header.split(';').map((part) => part.trim());
  return { base: base.toLowerCase(), params: Object.fromEntries(rest.map((p) => p.split('=').map((s) => s.trim()) as [string, string])) };
}

/** True when a response's Content-Type is the media type a link announces (parameters included; charset aside). */
function sameMediaType(header: string, announced: string): boolean {
  const got = mediaType(header);
  const want = mediaType(announced);
  return got.base === want.base && Object.entries(want.params).every(([k, v]) => got.params[k] === v);
}

describe('landing page', () => {
  let landing: Json;
  before(async () => {
    const reply = await client.get('/');
    assertOk(reply, JSON_TYPE);
    landing = reply.body;
  });

  test('is a STAC Catalog with conformsTo', () => {
    assert.equal(landing.type, 'Catalog');
    assert.equal(landing.stac_version, '1.0.0');
    assert.equal(typeof landing.id, 'string');
    assert.equal(typeof landing.description, 'string');
    assert.ok(Array.isArray(landing.conformsTo));
    for (const uri of [
      'https://api.stacspec.org/v1.0.0/core',
      'https://api.stacspec.org/v1.0.0/collections',
      'https://api.stacspec.org/v1.0.0/ogcapi-features',
      'https://api.stacspec.org/v1.0.0/item-search',
      'https://api.stacspec.org/v1.0.0/item-search#filter',
      'https://api.stacspec.org/v1.0.0/item-search#fields',
      'https://api.stacspec.org/v1.0.0/item-search#query',
      'https://api.stacspec.org/v1.0.0/item-search#sort',
      'https://api.stacspec.org/v1.0.0/ogcapi-features/extensions/transaction',
      'https://api.stacspec.org/v1.0.0/collections/extensions/transaction',
      'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
      'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    ]) {
      assert.ok(landing.conformsTo.includes(uri), `conformsTo has ${uri}`);
    }
    assert.equal(new Set(landing.conformsTo).size, landing.conformsTo.length, 'no duplicate conformance classes');
  });

  test('links self, root, conformance, data', () => {
    assert.equal(link(landing, 'self').href, `${server.stac}/`);
    assert.equal(link(landing, 'root').href, `${server.stac}/`);
    assert.equal(link(landing, 'root').type, JSON_TYPE);
    assert.equal(link(landing, 'conformance').href, `${server.stac}/conformance`);
    assert.equal(link(landing, 'data').href, `${server.stac}/collections`);
    assert.equal(link(landing, 'data').type, JSON_TYPE);
  });

  test('service-desc is OpenAPI 3.0 JSON and is served as that content type', async () => {
    const desc = link(landing, 'service-desc');
    assert.equal(desc.type, OPENAPI_JSON);
    assert.equal(desc.href, `${server.stac}/api`);
    const reply = await client.get(desc.href);
    assert.equal(reply.status, 200);
    assert.ok(sameMediaType(reply.type, OPENAPI_JSON), `Content-Type "${reply.type}" is ${OPENAPI_JSON}`);
    assert.match(JSON.parse(reply.text).openapi, /^3\.0\./);
  });

  test('service-doc is an HTML page', async () => {
    const doc = link(landing, 'service-doc');
    assert.equal(doc.type, 'text/html');
    const reply = await client.get(doc.href);
    assert.equal(reply.status, 200);
    assert.equal(mediaType(reply.type).base, 'text/html');
    assert.match(reply.text, /^<!doctype html>/i);
    assert.match(reply.text, /<html[\s>]/);
    // The page loads its script and stylesheet relative to itself; they must exist.
    for (const asset of reply.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const assetReply = await fetch(new URL(asset[1], doc.href));
      assert.equal(assetReply.status, 200, `service-doc asset ${asset[1]}`);
      await assetReply.arrayBuffer();
    }
  });

  test('search links for GET and POST', () => {
    for (const method of ['GET', 'POST']) {
      const search = link(landing, 'search', method);
      assert.equal(search.href, `${server.stac}/search`);
      assert.equal(search.type, GEOJSON);
      assert.equal(search.method, method);
    }
  });

  test('queryables, sortables, aggregate (GET and POST) and aggregations links', () => {
    assert.equal(link(landing, REL_QUERYABLES).href, `${server.stac}/queryables`);
    assert.equal(link(landing, REL_QUERYABLES).type, SCHEMA_JSON);
    assert.equal(link(landing, REL_SORTABLES).href, `${server.stac}/sortables`);
    assert.equal(link(landing, REL_SORTABLES).type, SCHEMA_JSON);
    assert.equal(link(landing, 'aggregate', 'GET').href, `${server.stac}/aggregate`);
    assert.equal(link(landing, 'aggregate', 'POST').href, `${server.stac}/aggregate`);
    assert.equal(link(landing, 'aggregations').href, `${server.stac}/aggregations`);
  });

  test('one child link per collection, titled when the collection is', () => {
    const children = (landing.links as Json[]).filter((l) => l.rel === 'child');
    assert.deepEqual(sorted(children.map((c) => c.href)), ALL_COLLECTIONS.map((id) => `${server.stac}/collections/${id}`));
    for (const child of children) {
      assert.equal(child.type, JSON_TYPE);
      const id = decodeURIComponent(child.href.split('/').pop());
      assert.equal(child.title, data.collections[id].title);
    }
  });

  test('every GET link resolves with the content type it announces', async () => {
    for (const l of landing.links as Json[]) {
      // aggregate needs the aggregations to compute (its 400 is tested below).
      if ((l.method ?? 'GET') !== 'GET' || l.rel === 'aggregate') continue;
      const response = await fetch(l.href);
      await response.arrayBuffer();
      assert.equal(response.status, 200, `${l.rel} ${l.href}`);
      if (l.type) assert.ok(sameMediaType(response.headers.get('content-type') ?? '', l.type), `${l.rel}: ${response.headers.get('content-type')} is ${l.type}`);
    }
  });

  test('the server root redirects to the STAC landing page', async () => {
    const reply = await client.get(server.url + '/');
    assert.ok([301, 302, 303, 307, 308].includes(reply.status), String(reply.status));
    assert.equal(new URL(reply.headers.get('location') ?? '', server.url).href, `${server.stac}/`);
  });

  test('/conformance equals the landing page conformsTo', async () => {
    const reply = await client.get('/conformance');
    assertOk(reply, JSON_TYPE);
    assert.deepEqual(reply.body.conformsTo, landing.conformsTo);
  });
});

describe('service description (/api)', () => {
  let doc: Json;
  before(async () => {
    const reply = await client.get('/api');
    assert.equal(reply.status, 200);
    doc = JSON.parse(reply.text);
  });

  test('passes an OpenAPI 3.0 validator', async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  test('is a valid-looking OpenAPI 3.0 document', () => {
    assert.match(doc.openapi, /^3\.0\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.equal(doc.servers[0].url, server.stac);
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      assert.match(path, /^\//);
      const operations = Object.entries(item).filter(([k]) => ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'].includes(k));
      assert.ok(operations.length > 0, `${path} has operations`);
      for (const [method, op] of operations as [string, Json][]) {
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} has responses`);
        assert.equal(typeof op.operationId, 'string', `${method} ${path} has an operationId`);
        assert.ok(!operationIds.has(op.operationId), `operationId ${op.operationId} is unique`);
        operationIds.add(op.operationId);
      }
      // Path templates declare their parameters.
      for (const name of path.matchAll(/\{(\w+)\}/g)) {
        const declared = [...(item.parameters ?? [])].some((p: Json) => p.name === name[1] && p.in === 'path');
        assert.ok(declared, `${path} declares path parameter ${name[1]}`);
      }
    }
    // Every local $ref resolves.
    const resolve = (ref: string) => ref.slice(2).split('/').reduce((node: Json, key) => node?.[key], doc);
    const walkRefs = (node: Json) => {
      if (Array.isArray(node)) node.forEach(walkRefs);
      else if (node && typeof node === 'object') {
        if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) assert.ok(resolve(node.$ref) !== undefined, `$ref ${node.$ref} resolves`);
        Object.values(node).forEach(walkRefs);
      }
    };
    walkRefs(doc);
  });

  test('paths include every route the app serves, and only those', () => {
    // The HTML documentation and its script are the service-doc, not API operations.
    const documentation = new Set(['/api.html', '/api-docs.js']);
    const served = servedRoutes()
      .filter((r) => r.path.startsWith('/stac'))
      .map((r) => ({ method: r.method, path: toOpenApiPath(r.path.slice('/stac'.length)) }))
      .filter((r) => !documentation.has(r.path));
    assert.ok(served.length >= 20, `found the app's routes (${served.length})`);
    for (const { method, path } of served) {
      assert.ok(doc.paths[path]?.[method], `OpenAPI documents ${method.toUpperCase()} ${path}`);
    }
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(item).filter((k) => k !== 'parameters')) {
        assert.ok(servedKeys.has(`${method} ${path}`), `documented ${method.toUpperCase()} ${path} is served`);
      }
    }
  });

  test('search parameters are documented', () => {
    const names = new Set(Object.values(doc.components.parameters as Record<string, Json>).map((p) => p.name));
    for (const name of ['bbox', 'intersects', 'datetime', 'limit', 'ids', 'collections', 'filter', 'filter-lang', 'filter-crs', 'sortby', 'fields', 'query', 'q', 'token']) {
      assert.ok(names.has(name), `parameter ${name}`);
    }
  });
});

describe('request ids, CORS and unknown paths', () => {
  test('every response carries an X-Request-Id', async () => {
    const a = await client.get('/');
    const b = await client.get('/nope');
    const idA = a.headers.get('x-request-id');
    const idB = b.headers.get('x-request-id');
    assert.ok(idA && idA.length >= 8);
    assert.ok(idB && idB.length >= 8);
    assert.notEqual(idA, idB);
  });

  test('a valid given X-Request-Id is echoed; an invalid one is replaced', async () => {
    const given = 'trace-0123.abc_XYZ';
    assert.equal((await client.get('/', { 'x-request-id': given })).headers.get('x-request-id'), given);
    assert.equal((await client.get('/search', { 'x-request-id': given })).headers.get('x-request-id'), given);
    for (const bad of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const echoed = (await client.get('/', { 'x-request-id': bad })).headers.get('x-request-id');
      assert.ok(echoed && echoed !== bad, `"${bad}" is not echoed`);
      assert.match(echoed, /^[\w.-]{1,128}$/);
    }
  });

  test('GET responses allow cross-origin reads', async () => {
    for (const path of ['/', '/collections', '/search', `/collections/${JOPLIN}/items`]) {
      const reply = await client.get(path, { origin: 'https://stac-browser.example' });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('access-control-allow-origin'), '*', path);
      const exposed = (reply.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      assert.match(exposed, /x-request-id/);
    }
    const error = await client.get('/collections/nope', { origin: 'https://stac-browser.example' });
    assert.equal(error.headers.get('access-control-allow-origin'), '*', 'errors are readable cross-origin too');
  });

  test('a CORS preflight for POST /search succeeds', async () => {
    const response = await fetch(`${server.stac}/search`, {
      method: 'OPTIONS',
      headers: { origin: 'https://stac-browser.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await response.arrayBuffer();
    assert.ok(response.status === 204 || response.status === 200, String(response.status));
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    // Writes from a browser send the admin token in Authorization.
    const write = await fetch(`${server.stac}/collections/${JOPLIN}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://stac-browser.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' },
    });
    await write.arrayBuffer();
    assert.ok(write.status === 204 || write.status === 200, String(write.status));
    assert.match(write.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.match(write.headers.get('access-control-allow-headers') ?? '', /authorization/i);
  });

  test('unknown paths are 404 JSON {code, description}', async () => {
    assertError(await client.get('/nope'), 404, /nope/);
    assertError(await client.get(`${server.url}/not-stac`), 404);
    assertError(await client.post('/nope', {}), 404);
    assertError(await client.get('/collections/joplin/items/a/b/c'), 404);
    assertError(await client.get('/search/extra'), 404);
  });
});

describe('collections', () => {
  test('list: all collections, links, numberMatched', async () => {
    const reply = await client.get('/collections');
    assertOk(reply, JSON_TYPE);
    assert.deepEqual(reply.body.collections.map((c: Json) => c.id), ALL_COLLECTIONS, 'sorted by id by default');
    assert.equal(reply.body.numberMatched, 4);
    assert.equal(reply.body.numberReturned, 4);
    assert.equal(link(reply.body, 'self').href, `${server.stac}/collections`);
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);
    assert.equal(maybeLink(reply.body, 'next'), undefined);
    for (const collection of reply.body.collections) {
      assert.equal(link(collection, 'self').href, `${server.stac}/collections/${collection.id}`);
      assert.equal(link(collection, 'items').href, `${server.stac}/collections/${collection.id}/items`);
    }
  });

  test('single: the stored document with generated links', async () => {
    const url = `${server.stac}/collections/${JOPLIN}`;
    const reply = await client.get(url);
    assertOk(reply, JSON_TYPE);
    const { links: _links, ...expected } = data.collections[JOPLIN];
    const { links, ...got } = reply.body;
    assert.deepEqual(got, expected);
    assert.equal(link(reply.body, 'self').href, url);
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);
    assert.equal(link(reply.body, 'parent').href, `${server.stac}/`);
    assert.equal(link(reply.body, 'items').href, `${url}/items`);
    assert.equal(link(reply.body, 'items').type, GEOJSON);
    assert.equal(link(reply.body, REL_QUERYABLES).href, `${url}/queryables`);
    assert.equal(link(reply.body, REL_SORTABLES).href, `${url}/sortables`);
    assert.equal(link(reply.body, 'aggregations').href, `${url}/aggregations`);
    // The collection's own absolute links are kept.
    assert.equal(link(reply.body, 'license').href, 'https://creativecommons.org/licenses/publicdomain/');
    assert.ok(links.every((l: Json) => /^https?:\/\//.test(l.href)), 'every link is absolute');
  });

  test('unknown collection → 404', async () => {
    assertError(await client.get('/collections/no-such-collection'), 404, /no-such-collection/);
  });

  test('collection search: bbox', async () => {
    const joplinBox = data.collections[JOPLIN].extent.spatial.bbox[0].join(',');
    const reply = await client.query('/collections', { bbox: joplinBox });
    assertOk(reply, JSON_TYPE);
    // Sentinel-2's extent is the whole world.
    assert.deepEqual(reply.body.collections.map((c: Json) => c.id), [JOPLIN, S2]);
    assert.equal(reply.body.numberMatched, 2);
    // Across the antimeridian: the L1C collection's extent crosses it too.
    const across = await client.query('/collections', { bbox: '179.5,-16.2,-179.9,-16' });
    assert.deepEqual(across.body.collections.map((c: Json) => c.id), sorted([L1C, S2]));
    // A box far from every regional extent matches only the global one.
    const nowhere = await client.query('/collections', { bbox: '0,-17,10,-15' });
    assert.deepEqual(nowhere.body.collections.map((c: Json) => c.id), [S2]);
  });

  test('collection search: datetime', async () => {
    const instant = await client.query('/collections', { datetime: '2000-02-05T00:00:00Z' });
    assert.deepEqual(instant.body.collections.map((c: Json) => c.id), [JOPLIN]);
    const range = await client.query('/collections', { datetime: '2020-01-01T00:00:00Z/2020-12-31T23:59:59Z' });
    assert.deepEqual(range.body.collections.map((c: Json) => c.id), sorted([L1C, S2, SIMPLE]));
    const open = await client.query('/collections', { datetime: '../2001-01-01T00:00:00Z' });
    assert.deepEqual(open.body.collections.map((c: Json) => c.id), [JOPLIN]);
    assertError(await client.query('/collections', { datetime: '2020-13-01T00:00:00Z' }), 400, /datetime/);
  });

  test('collection search: q over title, description and keywords', async () => {
    const reply = await client.query('/collections', { q: 'NOAA' });
    assert.deepEqual(reply.body.collections.map((c: Json) => c.id), [JOPLIN]);
    const keywords = await client.query('/collections', { q: 'esa,simple' });
    assert.deepEqual(keywords.body.collections.map((c: Json) => c.id), [S2, SIMPLE]);
    assertError(await client.query('/collections', { q: '"unterminated' }), 400, /q/);
  });

  test('collection search: filter', async () => {
    const text = await client.query('/collections', { filter: "license = 'proprietary'" });
    assert.deepEqual(text.body.collections.map((c: Json) => c.id), sorted([L1C, S2]));
    const json = await client.query('/collections', { 'filter-lang': 'cql2-json', filter: JSON.stringify({ op: '=', args: [{ property: 'license' }, 'public-domain'] }) });
    assert.deepEqual(json.body.collections.map((c: Json) => c.id), [JOPLIN]);
    assertError(await client.query('/collections', { filter: 'license = ' }), 400, /filter/);
  });

  test('collection search: sortby', async () => {
    const reply = await client.query('/collections', { sortby: '-id' });
    assert.deepEqual(reply.body.collections.map((c: Json) => c.id), [...ALL_COLLECTIONS].reverse());
    const byTime = await client.query('/collections', { sortby: 'datetime' });
    assert.deepEqual(byTime.body.collections.map((c: Json) => c.id), [JOPLIN, S2, L1C, SIMPLE]);
  });

  test('collection search: fields', async () => {
    const include = await client.query('/collections', { fields: 'id,title' });
    for (const c of include.body.collections) {
      assert.equal(c.description, undefined);
      assert.equal(c.extent, undefined);
      assert.equal(c.title, data.collections[c.id].title);
    }
    const exclude = await client.query('/collections', { fields: '-extent,-links' });
    for (const c of exclude.body.collections) {
      assert.equal(c.extent, undefined);
      assert.equal(c.links, undefined);
      assert.equal(c.description, data.collections[c.id].description);
    }
  });

  test('collection search: ids', async () => {
    const reply = await client.query('/collections', { ids: `${JOPLIN},${SIMPLE},nope` });
    assert.deepEqual(reply.body.collections.map((c: Json) => c.id), [JOPLIN, SIMPLE]);
    assert.equal(reply.body.numberMatched, 2);
  });

  test('collection search: limit and paging through next and prev links', async () => {
    const first = await client.query('/collections', { limit: 1 });
    assert.equal(first.body.collections.length, 1);
    const next = link(first.body, 'next');
    assert.equal(next.method, 'GET');
    assert.ok(new URL(next.href).searchParams.get('token'));
    assert.equal(new URL(next.href).searchParams.get('limit'), '1', 'the next link keeps the parameters');
    const forward = await walk(client, first, 'next', 'collections');
    assert.deepEqual(forward.pages.flat(), ALL_COLLECTIONS);
    const backward = await walk(client, forward.last, 'prev', 'collections');
    assert.deepEqual(backward.pages.flat(), [...ALL_COLLECTIONS].reverse());
  });

  test('collection search does not take intersects, and rejects bad parameters', async () => {
    assertError(await client.query('/collections', { intersects: JSON.stringify({ type: 'Point', coordinates: [0, 0] }) }), 400, /intersects/);
    assertError(await client.query('/collections', { limit: 0 }), 400, /limit/);
    assertError(await client.query('/collections', { bbox: '1,2,3' }), 400, /bbox/);
    assertError(await client.query('/collections', { token: 'garbage' }), 400, /token/);
  });
});

describe('items of a collection', () => {
  const joplinIds = () => sorted(data.joplin.map((i) => i.id));

  test('a page: geo+json, links, counts, default limit', async () => {
    const url = `${server.stac}/collections/${JOPLIN}/items`;
    const reply = await client.get(url);
    assertOk(reply, GEOJSON);
    assert.equal(reply.body.type, 'FeatureCollection');
    assert.equal(reply.body.features.length, 10, 'the default limit is 10');
    assert.equal(reply.body.numberMatched, 30);
    assert.equal(reply.body.numberReturned, 10);
    assert.equal(link(reply.body, 'self').href, url);
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);
    assert.equal(link(reply.body, 'parent').href, `${server.stac}/collections/${JOPLIN}`);
    assert.equal(link(reply.body, 'collection').href, `${server.stac}/collections/${JOPLIN}`);
    assert.equal(link(reply.body, 'next').type, GEOJSON);
    assert.ok(reply.body.features.every((f: Json) => f.collection === JOPLIN));
  });

  test('next links reach every item exactly once, prev links lead back', async () => {
    const first = await client.query(`/collections/${JOPLIN}/items`, { limit: 7 });
    const forward = await walk(client, first, 'next');
    assert.deepEqual(forward.pages.map((p) => p.length), [7, 7, 7, 7, 2]);
    assert.deepEqual(sorted(forward.pages.flat()), joplinIds());
    for (const l of forward.last.body.links) {
      if (l.rel === 'next' || l.rel === 'prev') assert.ok(l.href.startsWith(`${server.stac}/collections/${JOPLIN}/items?`), l.href);
    }
    const backward = await walk(client, forward.last, 'prev');
    assert.deepEqual(backward.pages, [...forward.pages].reverse());
  });

  test('the collection in the path wins over a collections parameter', async () => {
    const reply = await client.query(`/collections/${JOPLIN}/items`, { collections: S2, limit: 100 });
    assertOk(reply);
    assert.equal(reply.body.numberMatched, 30);
    assert.ok(reply.body.features.every((f: Json) => f.collection === JOPLIN));
  });

  test('bbox, datetime, ids', async () => {
    const target = data.joplin[0];
    const [w, s, e, n] = target.bbox;
    const cx = (w + e) / 2;
    const cy = (s + n) / 2;
    const box = [cx - 0.001, cy - 0.001, cx + 0.001, cy + 0.001];
    const expected = data.joplin.filter((i) => i.bbox[0] <= box[2] && i.bbox[2] >= box[0] && i.bbox[1] <= box[3] && i.bbox[3] >= box[1]).map((i) => i.id);
    const reply = await client.query(`/collections/${JOPLIN}/items`, { bbox: box.join(','), limit: 100 });
    assertOk(reply);
    assert.deepEqual(sorted(ids(reply)), sorted(expected));
    assert.ok(ids(reply).includes(target.id));

    const s2 = await client.query(`/collections/${S2}/items`, { datetime: '2024-04-10T00:00:00Z/2024-04-20T00:00:00Z' });
    const inRange = data.s2.filter((i) => i.properties.datetime >= '2024-04-10' && i.properties.datetime <= '2024-04-20').map((i) => i.id);
    assert.deepEqual(sorted(ids(s2)), sorted(inRange));
    const none = await client.query(`/collections/${JOPLIN}/items`, { datetime: '2024-04-10T00:00:00Z/..' });
    assert.equal(none.body.numberMatched, 0);

    const some = await client.query(`/collections/${S2}/items`, { ids: `${data.s2[1].id},${data.s2[3].id},${data.joplin[0].id}` });
    assert.deepEqual(sorted(ids(some)), sorted([data.s2[1].id, data.s2[3].id]));
  });

  test('limit, filter, sortby, fields, q', async () => {
    const limited = await client.query(`/collections/${S2}/items`, { limit: 3 });
    assert.equal(limited.body.features.length, 3);
    assert.equal(limited.body.numberMatched, 10);

    const clear = await client.query(`/collections/${S2}/items`, { filter: '"eo:cloud_cover" < 10' });
    assert.deepEqual(sorted(ids(clear)), sorted(data.s2.filter((i) => i.properties['eo:cloud_cover'] < 10).map((i) => i.id)));

    const byCloud = await client.query(`/collections/${S2}/items`, { sortby: '+eo:cloud_cover' });
    const expectedOrder = [...data.s2].sort((a, b) => a.properties['eo:cloud_cover'] - b.properties['eo:cloud_cover']).map((i) => i.id);
    assert.deepEqual(ids(byCloud), expectedOrder);

    const slim = await client.query(`/collections/${S2}/items`, { fields: 'id,properties.eo:cloud_cover', limit: 2 });
    for (const f of slim.body.features) {
      assert.deepEqual(Object.keys(f).sort(), ['collection', 'id', 'properties', 'stac_version', 'type']);
      assert.deepEqual(Object.keys(f.properties), ['eo:cloud_cover']);
    }

    const platform = await client.query(`/collections/${S2}/items`, { q: 'sentinel-2b' });
    assert.deepEqual(sorted(ids(platform)), sorted(data.s2.filter((i) => i.properties.platform === 'sentinel-2b').map((i) => i.id)));
  });

  test('bad parameters → 400; unknown collection → 404', async () => {
    assertError(await client.query(`/collections/${JOPLIN}/items`, { bbox: '1,2,3,4,5' }), 400, /bbox/);
    assertError(await client.query(`/collections/${JOPLIN}/items`, { datetime: 'yesterday' }), 400, /datetime/);
    assertError(await client.query(`/collections/${JOPLIN}/items`, { limit: 'abc' }), 400, /limit/);
    assertError(await client.get('/collections/no-such-collection/items'), 404, /no-such-collection/);
  });

  test('one item: geo+json with self, parent, collection and root links', async () => {
    const item = data.s2[0];
    const url = `${server.stac}/collections/${S2}/items/${item.id}`;
    const reply = await client.get(url);
    assertOk(reply, GEOJSON);
    assert.equal(reply.body.id, item.id);
    assert.equal(reply.body.collection, S2);
    assert.deepEqual(reply.body.properties, item.properties);
    assert.deepEqual(reply.body.geometry, item.geometry);
    assert.deepEqual(reply.body.assets, item.assets);
    assert.deepEqual(reply.body.bbox, item.bbox);
    assert.equal(link(reply.body, 'self').href, url, 'the stored self link is replaced by this server\'s');
    assert.equal(link(reply.body, 'self').type, GEOJSON);
    assert.equal(link(reply.body, 'parent').href, `${server.stac}/collections/${S2}`);
    assert.equal(link(reply.body, 'collection').href, `${server.stac}/collections/${S2}`);
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);
    // Absolute links of the item's own are kept.
    assert.equal(link(reply.body, 'canonical').href, item.links.find((l: Json) => l.rel === 'canonical').href);
  });

  test('item ids with characters that need encoding round-trip', async () => {
    const item = { ...structuredClone(data.joplin[0]), id: 'odd id/with?chars#and%' };
    const created = await client.write('POST', `/collections/${JOPLIN}/items`, item);
    assert.equal(created.status, 201, created.text);
    const self = link(created.body, 'self').href;
    assert.equal(created.headers.get('location'), self);
    const reply = await client.get(self);
    assertOk(reply);
    assert.equal(reply.body.id, item.id);
    assert.equal((await client.write('DELETE', self)).status, 204);
  });

  test('items in search results carry the same links', async () => {
    const reply = await client.query('/search', { ids: data.joplin[2].id });
    const f = reply.body.features[0];
    assert.equal(link(f, 'self').href, `${server.stac}/collections/${JOPLIN}/items/${data.joplin[2].id}`);
    assert.equal(link(f, 'parent').href, `${server.stac}/collections/${JOPLIN}`);
    assert.equal(link(f, 'collection').href, `${server.stac}/collections/${JOPLIN}`);
    assert.equal(link(f, 'root').href, `${server.stac}/`);
  });

  test('unknown item or collection → 404', async () => {
    assertError(await client.get(`/collections/${JOPLIN}/items/no-such-item`), 404, /no-such-item/);
    assertError(await client.get(`/collections/no-such-collection/items/${data.joplin[0].id}`), 404, /no-such-collection/);
    // An item exists only in its own collection.
    assertError(await client.get(`/collections/${S2}/items/${data.joplin[0].id}`), 404);
  });
});

describe('queryables and sortables', () => {
  test('global queryables: a JSON Schema of every property', async () => {
    const url = `${server.stac}/queryables`;
    const reply = await client.get(url);
    assertOk(reply, SCHEMA_JSON);
    assert.equal(reply.body.$schema, 'https://json-schema.org/draft/2019-09/schema');
    assert.equal(reply.body.$id, url);
    assert.equal(reply.body.type, 'object');
    const p = reply.body.properties;
    for (const core of ['id', 'collection', 'geometry', 'datetime']) assert.ok(p[core], core);
    assert.equal(p['eo:cloud_cover'].type, 'number');
    assert.equal(p.gsd.type, 'number');
    assert.equal(p.orientation.type, 'string');
    assert.equal(p['mgrs:utm_zone'].type, 'integer');
    assert.equal(p.instruments.type, 'array');
    assert.equal(p.created.format, 'date-time');
    const withQuery = await client.get(`${url}?f=json`);
    assert.equal(withQuery.body.$id, url, '$id is the resource URL, without the query');
  });

  test('per-collection queryables hold only that collection\'s properties', async () => {
    const url = `${server.stac}/collections/${JOPLIN}/queryables`;
    const reply = await client.get(url);
    assertOk(reply, SCHEMA_JSON);
    assert.equal(reply.body.$schema, 'https://json-schema.org/draft/2019-09/schema');
    assert.equal(reply.body.$id, url);
    const names = Object.keys(reply.body.properties);
    for (const name of Object.keys(data.joplin[0].properties)) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('eo:cloud_cover'));
    assert.ok(!names.includes('platform'));
    const s2 = await client.get(`/collections/${S2}/queryables`);
    assert.equal(s2.body.properties['eo:cloud_cover'].type, 'number');
    assert.equal(s2.body.properties.gsd, undefined);
  });

  test('every scalar queryable can be filtered on', async () => {
    const reply = await client.get(`/collections/${JOPLIN}/queryables`);
    for (const [name, schema] of Object.entries(reply.body.properties as Record<string, Json>)) {
      if (schema.type !== 'number' && schema.type !== 'integer' && schema.type !== 'string') continue;
      if (name === 'id' || name === 'collection' || name === 'datetime') continue;
      const filtered = await client.query(`/collections/${JOPLIN}/items`, { filter: `"${name}" IS NOT NULL`, limit: 1 });
      assertOk(filtered);
      assert.equal(filtered.body.numberMatched, 30, name);
    }
  });

  test('sortables: draft 2020-12, scalar properties only', async () => {
    for (const path of ['/sortables', `/collections/${S2}/sortables`]) {
      const url = `${server.stac}${path}`;
      const reply = await client.get(url);
      assertOk(reply, SCHEMA_JSON);
      assert.equal(reply.body.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.equal(reply.body.$id, url);
      const p = reply.body.properties;
      assert.ok(p.datetime && p.id && p['eo:cloud_cover']);
      assert.equal(p.geometry, undefined, 'geometry is not sortable');
      assert.equal(p.instruments, undefined, 'arrays are not sortable');
      assert.equal(p['proj:centroid'], undefined, 'objects are not sortable');
    }
    const joplin = await client.get(`/collections/${JOPLIN}/sortables`);
    assert.ok(joplin.body.properties.gsd);
    assert.equal(joplin.body.properties['eo:cloud_cover'], undefined);
  });

  test('unknown collection → 404', async () => {
    assertError(await client.get('/collections/nope/queryables'), 404, /nope/);
    assertError(await client.get('/collections/nope/sortables'), 404, /nope/);
  });
});

describe('aggregation', () => {
  const dt = (item: Json) => datetimeRange(item)[0];
  const count = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return counts;
  };
  const bucketsOf = (aggregation: Json) => new Map<string, number>((aggregation.buckets as Json[]).map((b) => [b.key, b.frequency]));
  const byName = (reply: { body: Json }) => Object.fromEntries((reply.body.aggregations as Json[]).map((a) => [a.name, a]));

  /** The tile of a footprint's centre; a box crossing the antimeridian is centred across it. */
  function geotile(bbox: number[], zoom: number): string {
    const [w, s, e, n] = bbox;
    let lon = w <= e ? (w + e) / 2 : (w + e + 360) / 2;
    if (lon > 180) lon -= 360;
    const lat = (s + n) / 2;
    const tiles = 2 ** zoom;
    const x = Math.min(tiles - 1, Math.floor(((lon + 180) / 360) * tiles));
    const rad = (lat * Math.PI) / 180;
    const y = Math.min(tiles - 1, Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * tiles));
    return `${zoom}/${x}/${y}`;
  }

  test('/aggregations lists the standard aggregations and per-property ones', async () => {
    const reply = await client.get('/aggregations');
    assertOk(reply, JSON_TYPE);
    const names = reply.body.aggregations.map((a: Json) => a.name);
    for (const name of ['total_count', 'datetime_min', 'datetime_max', 'datetime_frequency', 'collection_frequency', 'centroid_geotile_grid_frequency', 'platform_frequency', 'orientation_frequency']) {
      assert.ok(names.includes(name), name);
    }
    for (const a of reply.body.aggregations) assert.ok(['integer', 'datetime', 'frequency_distribution'].includes(a.data_type), a.name);
    assert.equal(link(reply.body, 'self').href, `${server.stac}/aggregations`);
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);

    const joplin = await client.get(`/collections/${JOPLIN}/aggregations`);
    assertOk(joplin, JSON_TYPE);
    const joplinNames = joplin.body.aggregations.map((a: Json) => a.name);
    assert.ok(joplinNames.includes('orientation_frequency'));
    assert.ok(!joplinNames.includes('platform_frequency'));
    assert.equal(link(joplin.body, 'collection').href, `${server.stac}/collections/${JOPLIN}`);
    assertError(await client.get('/collections/nope/aggregations'), 404, /nope/);
  });

  test('GET /aggregate: counts, extremes and distributions of all items', async () => {
    const reply = await client.query('/aggregate', {
      aggregations: 'total_count,datetime_min,datetime_max,datetime_frequency,collection_frequency,centroid_geotile_grid_frequency,platform_frequency',
      datetime_frequency_interval: 'year',
      centroid_geotile_grid_frequency_precision: 1,
    });
    assertOk(reply, JSON_TYPE);
    assert.equal(reply.body.type, 'AggregationCollection');
    assert.equal(link(reply.body, 'root').href, `${server.stac}/`);
    const a = byName(reply);
    assert.equal(a.total_count.value, data.all.length);
    assert.equal(a.datetime_min.value, new Date(Math.min(...data.all.map((i) => datetimeRange(i)[0]))).toISOString());
    assert.equal(a.datetime_max.value, new Date(Math.max(...data.all.map((i) => datetimeRange(i)[1]))).toISOString());
    assert.deepEqual(bucketsOf(a.datetime_frequency), count(data.all.map((i) => new Date(dt(i)).toISOString().slice(0, 4))));
    assert.deepEqual(bucketsOf(a.collection_frequency), count(data.all.map((i) => i.collection)));
    assert.deepEqual(bucketsOf(a.centroid_geotile_grid_frequency), count(data.all.map((i) => geotile(i.bbox, 1))));
    assert.deepEqual(bucketsOf(a.platform_frequency), count(data.all.filter((i) => i.properties.platform).map((i) => i.properties.platform)));
  });

  test('intervals and precisions', async () => {
    for (const [interval, length] of [['month', 7], ['day', 10]] as const) {
      const reply = await client.query('/aggregate', { aggregations: 'datetime_frequency', datetime_frequency_interval: interval, collections: S2 });
      assertOk(reply, JSON_TYPE);
      assert.deepEqual(bucketsOf(byName(reply).datetime_frequency), count(data.s2.map((i) => new Date(dt(i)).toISOString().slice(0, length))));
    }
    const monthByDefault = await client.query('/aggregate', { aggregations: 'datetime_frequency', collections: JOPLIN });
    assert.deepEqual(bucketsOf(byName(monthByDefault).datetime_frequency), new Map([['2000-02', 30]]));
    const fine = await client.query('/aggregate', { aggregations: 'centroid_geotile_grid_frequency', centroid_geotile_grid_frequency_precision: 12 });
    assert.deepEqual(bucketsOf(byName(fine).centroid_geotile_grid_frequency), count(data.all.map((i) => geotile(i.bbox, 12))));
  });

  test('search parameters narrow the aggregation (GET)', async () => {
    const reply = await client.query('/aggregate', { aggregations: 'total_count,collection_frequency', filter: '"eo:cloud_cover" < 20' });
    assertOk(reply, JSON_TYPE);
    const clear = data.all.filter((i) => i.properties['eo:cloud_cover'] < 20);
    assert.equal(byName(reply).total_count.value, clear.length);
    const boxed = await client.query('/aggregate', { aggregations: 'total_count', bbox: '179,-17,-179,-15' });
    assert.equal(byName(boxed).total_count.value, 1);
    const timed = await client.query('/aggregate', { aggregations: 'total_count', datetime: '2000-01-01T00:00:00Z/2000-12-31T00:00:00Z' });
    assert.equal(byName(timed).total_count.value, 30);
  });

  test('POST /aggregate with a body of search parameters', async () => {
    const reply = await client.post('/aggregate', {
      aggregations: ['total_count', 'platform_frequency'],
      collections: [S2],
      filter: { op: '>=', args: [{ property: 'eo:cloud_cover' }, 50] },
      'filter-lang': 'cql2-json',
    });
    assertOk(reply, JSON_TYPE);
    const cloudy = data.s2.filter((i) => i.properties['eo:cloud_cover'] >= 50);
    assert.equal(byName(reply).total_count.value, cloudy.length);
    assert.deepEqual(bucketsOf(byName(reply).platform_frequency), count(cloudy.map((i) => i.properties.platform)));
    const tiles = await client.post('/aggregate', { aggregations: ['centroid_geotile_grid_frequency', 'datetime_frequency'], centroid_geotile_grid_frequency_precision: 1, datetime_frequency_interval: 'year' });
    assertOk(tiles, JSON_TYPE);
    assert.deepEqual(bucketsOf(byName(tiles).centroid_geotile_grid_frequency), count(data.all.map((i) => geotile(i.bbox, 1))));
    assert.deepEqual(bucketsOf(byName(tiles).datetime_frequency), count(data.all.map((i) => new Date(dt(i)).toISOString().slice(0, 4))));
    for (const precision of ['0', '24']) {
      const edge = await client.query('/aggregate', { aggregations: 'centroid_geotile_grid_frequency', centroid_geotile_grid_frequency_precision: precision });
      assertOk(edge, JSON_TYPE);
      assert.deepEqual(bucketsOf(byName(edge).centroid_geotile_grid_frequency), count(data.all.map((i) => geotile(i.bbox, Number(precision)))));
    }
    const query = await client.post('/aggregate', { aggregations: ['total_count'], query: { 'eo:cloud_cover': { lt: 1 } } });
    assert.equal(byName(query).total_count.value, data.all.filter((i) => i.properties['eo:cloud_cover'] < 1).length);
  });

  test('per-collection aggregate, GET and POST', async () => {
    const get = await client.query(`/collections/${JOPLIN}/aggregate`, { aggregations: 'total_count,orientation_frequency' });
    assertOk(get, JSON_TYPE);
    assert.equal(byName(get).total_count.value, 30);
    assert.deepEqual(bucketsOf(byName(get).orientation_frequency), new Map([['nadir', 30]]));
    // The path's collection wins over a collections parameter.
    const narrowed = await client.query(`/collections/${JOPLIN}/aggregate`, { aggregations: 'total_count', collections: S2 });
    assert.equal(byName(narrowed).total_count.value, 30);
    const post = await client.post(`/collections/${S2}/aggregate`, { aggregations: ['total_count'], datetime: '2024-04-15T00:00:00Z/..' });
    assertOk(post, JSON_TYPE);
    assert.equal(byName(post).total_count.value, data.s2.filter((i) => i.properties.datetime >= '2024-04-15').length);
    assertError(await client.query('/collections/nope/aggregate', { aggregations: 'total_count' }), 404, /nope/);
    // A property of another collection is not aggregatable here.
    assertError(await client.query(`/collections/${JOPLIN}/aggregate`, { aggregations: 'platform_frequency' }), 400, /platform_frequency/);
  });

  test('bad aggregation requests → 400', async () => {
    assertError(await client.query('/aggregate', { aggregations: 'no_such_aggregation' }), 400, /no_such_aggregation/);
    assertError(await client.get('/aggregate'), 400, /aggregations/);
    assertError(await client.post('/aggregate', {}), 400, /aggregations/);
    assertError(await client.query('/aggregate', { aggregations: '' }), 400, /aggregation/);
    assertError(await client.post('/aggregate', { aggregations: [1, 2] }), 400, /aggregations/);
    assertError(await client.post('/aggregate', [1]), 400, /object/);
    for (const precision of ['25', '-1', '1.5', 'abc', '', '0x10', '1e1', ' 5']) {
      assertError(await client.query('/aggregate', { aggregations: 'centroid_geotile_grid_frequency', centroid_geotile_grid_frequency_precision: precision }), 400, /precision/);
    }
    for (const precision of [25, -1, 1.5, '1.5', true, [5], { z: 5 }]) {
      assertError(await client.post('/aggregate', { aggregations: ['centroid_geotile_grid_frequency'], centroid_geotile_grid_frequency_precision: precision }), 400, /precision/);
    }
    for (const interval of ['week', 5, ['year'], true]) {
      assertError(await client.post('/aggregate', { aggregations: ['datetime_frequency'], datetime_frequency_interval: interval }), 400, /interval/);
    }
    for (const interval of ['week', 'YEAR', '']) {
      assertError(await client.query('/aggregate', { aggregations: 'datetime_frequency', datetime_frequency_interval: interval }), 400, /interval/);
    }
    assertError(await client.query('/aggregate', { aggregations: 'total_count', bbox: '1,2,3' }), 400, /bbox/);
    assertError(await client.query('/aggregate', { aggregations: 'total_count', filter: 'nonsense ((' }), 400, /filter/);
  });
});

describe('links behind a public URL or a proxy', () => {
  const publicUrl = 'https://data.example.org/meridian';
  let prefixed: TestServer;
  let prefixedClient: Client;
  before(async () => {
    prefixed = await startTestServer({ PUBLIC_URL: publicUrl });
    prefixedClient = new Client(prefixed);
    await loadFixtures(prefixedClient, data);
  });
  after(async () => {
    await prefixed?.close();
  });

  /** Maps a public link back onto the test server, to follow it. */
  const local = (href: string) => {
    assert.ok(href.startsWith(`${publicUrl}/stac`), `${href} is under PUBLIC_URL`);
    return `${prefixed.url}${href.slice(publicUrl.length)}`;
  };

  test('every generated link keeps PUBLIC_URL, path included', async () => {
    const landing = await prefixedClient.get('/');
    for (const l of landing.body.links) assert.ok(l.href.startsWith(`${publicUrl}/stac/`), `${l.rel} ${l.href}`);
    const page = await prefixedClient.query('/search', { limit: 2 });
    assert.equal(link(page.body, 'self').href, `${publicUrl}/stac/search?limit=2`);
    const next = link(page.body, 'next');
    const second = await prefixedClient.get(local(next.href));
    assertOk(second);
    assert.equal(second.body.features.length, 2);
    assert.ok(link(second.body, 'prev').href.startsWith(`${publicUrl}/stac/search?`));
    const post = await prefixedClient.post('/search', { limit: 2 });
    assert.equal(link(post.body, 'next').href, `${publicUrl}/stac/search`);
    assert.equal((await prefixedClient.get('/queryables')).body.$id, `${publicUrl}/stac/queryables`);
    assert.equal((await prefixedClient.get(`/collections/${JOPLIN}/sortables`)).body.$id, `${publicUrl}/stac/collections/${JOPLIN}/sortables`);
    const items = await prefixedClient.get(`/collections/${JOPLIN}/items`);
    assert.equal(link(items.body, 'self').href, `${publicUrl}/stac/collections/${JOPLIN}/items`);
    assert.ok(link(items.body, 'next').href.startsWith(`${publicUrl}/stac/collections/${JOPLIN}/items?`));
    assert.equal(link(items.body.features[0], 'self').href, `${publicUrl}/stac/collections/${JOPLIN}/items/${items.body.features[0].id}`);
    const collections = await prefixedClient.query('/collections', { limit: 1 });
    assert.ok(link(collections.body, 'next').href.startsWith(`${publicUrl}/stac/collections?`));
    const aggregate = await prefixedClient.query('/aggregate', { aggregations: 'total_count' });
    assert.equal(link(aggregate.body, 'self').href, `${publicUrl}/stac/aggregate?aggregations=total_count`);
    const created = await prefixedClient.write('POST', `/collections/${JOPLIN}/items`, { ...data.joplin[0], id: 'public-url-item' });
    assert.equal(created.headers.get('location'), `${publicUrl}/stac/collections/${JOPLIN}/items/public-url-item`);
  });

  test('without PUBLIC_URL, a trusted (loopback) proxy\'s X-Forwarded-Proto and X-Forwarded-Host are used together', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'proxy.example.org' };
    const landing = await client.get('/', headers);
    assert.equal(link(landing.body, 'self').href, 'https://proxy.example.org/stac/');
    const page = await client.get('/search?limit=1', headers);
    assert.equal(link(page.body, 'self').href, 'https://proxy.example.org/stac/search?limit=1');
    assert.equal(link(page.body, 'next').href.split('?')[0], 'https://proxy.example.org/stac/search');
    const queryables = await client.get('/queryables', headers);
    assert.equal(queryables.body.$id, 'https://proxy.example.org/stac/queryables');
  });
});
