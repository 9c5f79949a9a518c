// The STAC walker over a repository served by a loopback HTTP server (as the
// data proxy will serve it), with a second server standing for "somewhere else":
// the official STAC 1.1.0 examples are found and placed in collections named
// after the repository; hostile documents — link cycles, broken links, links to
// other repositories, other hosts, internal addresses and file: URLs, a 1 GiB
// catalog.json, malformed JSON, invalid STAC — are each reported, and both
// servers' records prove nothing outside the repository was ever requested.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { extentOf } from '../src/stac-walk/collection-extent.ts';
import { directoryRepositoryReader, httpRepositoryReader } from '../src/stac-walk/repository-reader.ts';
import { walkStac, type WalkEntry } from '../src/stac-walk/stac-walker.ts';
import { createStacValidator } from '../src/validate/stac-validator.ts';
import { startRangeServer, type RangeServer } from './support/range-server.ts';

const examples = new URL('./fixtures/stac-examples-1.1.0/', import.meta.url).pathname;
const repo = mkdtempSync(join(tmpdir(), 'meridian-walk-'));
const validator = createStacValidator();
const write = (key: string, value: unknown) => {
  mkdirSync(join(repo, key, '..'), { recursive: true });
  writeFileSync(join(repo, key), typeof value === 'string' ? value : JSON.stringify(value));
};
const catalog = (id: string, links: { rel: string; href: string }[]) => ({ type: 'Catalog', stac_version: '1.1.0', id, description: id, links });

let server: RangeServer;
let outside: RangeServer;
let entries: WalkEntry[];
const base = () => `${server.url}/data/ada/sst/`;

before(async () => {
  outside = await startRangeServer(undefined);
  server = await startRangeServer(repo, '/data/ada/sst/');
  cpSync(examples, repo, { recursive: true });
  const item = JSON.parse(JSON.stringify((await import('./fixtures/stac-examples-1.1.0/simple-item.json', { with: { type: 'json' } })).default)) as StacItem;
  delete item.collection;
  item.links = [];

  write('hostile/catalog.json', catalog('hostile', [
    { rel: 'child', href: './loop.json' },
    { rel: 'child', href: '../../other-repo/catalog.json' },
    { rel: 'child', href: '/data/ada/other-repo/catalog.json' },
    { rel: 'child', href: './%2e%2e/%2e%2e/%2e%2e/etc/catalog.json' },
    { rel: 'child', href: `${outside.url}/catalog.json` },
    { rel: 'child', href: 'http://169.254.169.254/latest/meta-data/' },
    { rel: 'child', href: 'https://stac.example.org/catalog.json' },
    { rel: 'child', href: 'file:///etc/passwd' },
    { rel: 'child', href: './missing.json' },
    { rel: 'child', href: 'http://[::1' },
    { rel: 'item', href: `${base()}hostile/absolute-item.json` },
    { rel: 'item', href: './items.json?page=2' },
  ]));
  write('hostile/loop.json', catalog('loop', [{ rel: 'child', href: './catalog.json' }, { rel: 'child', href: 'loop.json' }, { rel: 'parent', href: '../../../x.json' }]));
  write('hostile/absolute-item.json', { ...item, id: 'absolute-item' });
  write('hostile/broken.json', '{"type": "Catalog", "stac_version": "1.1.0", "links": [');
  write('hostile/invalid-item.json', { ...item, id: 17 });
  write('hostile/unknown-extension.json', { ...item, id: 'unknown-ext', stac_extensions: ['https://stac-extensions.github.io/nonexistent/v1.0.0/schema.json'] });
  write('hostile/features.json', { type: 'FeatureCollection', features: [{ ...item, id: 'fc-1' }, { ...item, id: 'fc-2', collection: 'simple-collection', links: [{ rel: 'collection', href: '../collection.json' }] }] });
  write('hostile/items.ndjson', [JSON.stringify({ ...item, id: 'nd-1' }), '{oops', JSON.stringify({ ...item, id: 'nd-1' }), ''].join('\n'));
  write('hostile/dup/collection.json', { ...(await import('./fixtures/stac-examples-1.1.0/collection.json', { with: { type: 'json' } })).default, links: [] });
  write('hostile/plain.geojson', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }] });
  // 1 GiB, sparse: the walker must refuse it by its listed size.
  write('huge/catalog.json', '');
  truncateSync(join(repo, 'huge/catalog.json'), 1024 ** 3);

  const local = directoryRepositoryReader(repo, base());
  const reader = httpRepositoryReader({ baseUrl: base(), headers: { authorization: 'Bearer crawler' }, list: () => local.list() });
  entries = [];
  for await (const entry of walkStac(reader, { repositoryCollectionId: 'ada.sst', validator })) entries.push(entry);
});
after(async () => {
  await server.close();
  await outside.close();
});

const collections = () => entries.filter((e): e is Extract<WalkEntry, { kind: 'collection' }> => e.kind === 'collection');
const items = () => entries.filter((e): e is Extract<WalkEntry, { kind: 'item' }> => e.kind === 'item');
const problems = (path: string) => entries.filter((e): e is Extract<WalkEntry, { kind: 'problem' }> => e.kind === 'problem' && e.path === path);

test('collections get ids under the repository\'s, unique even when two share an id', () => {
  const ids = collections().map((c) => c.collection.id);
  assert.deepEqual(new Set(ids).size, ids.length);
  assert.ok(ids.includes('ada.sst.simple-collection'));
  assert.ok(ids.some((id) => /^ada\.sst\.simple-collection-[0-9a-f]{8}$/.test(id)), ids.join());
  assert.ok(ids.includes('ada.sst.proj-example-collection') || ids.some((id) => id.startsWith('ada.sst.')));
  for (const id of ids) assert.match(id, /^ada\.sst\.[A-Za-z0-9._-]+$/);
  const simple = collections().find((c) => c.collection.id === 'ada.sst.simple-collection')!;
  assert.equal(simple.path, 'collection.json');
  // Structural links are the API's to write; the rest point at absolute URLs.
  assert.ok((simple.collection.links ?? []).every((l) => !['self', 'root', 'child', 'item'].includes(l.rel) && /^https?:/.test(l.href)));
});

test('items take the collection that links to them, else the one they name, else the repository\'s', () => {
  const byId = new Map(items().map((e) => [e.item.id, e.item]));
  assert.equal(byId.get('20201211_223832_CS2')?.collection, 'ada.sst.simple-collection');
  // The official examples give three items one id: the first linked is indexed, the others reported.
  assert.deepEqual(problems('extended-item.json').map((p) => p.message), ['item id "20201211_223832_CS2" is already used in collection ada.sst.simple-collection by simple-item.json; this one is not indexed']);
  assert.equal(byId.get('CS3-20160503_132131_08')?.collection, 'ada.sst');
  assert.equal(byId.get('proj-example')?.collection, collections().find((c) => c.path === 'extensions-collection/collection.json')?.collection.id);
  assert.equal(byId.get('absolute-item')?.collection, 'ada.sst');
  assert.equal(byId.get('fc-1')?.collection, 'ada.sst');
  assert.equal(byId.get('fc-2')?.collection, 'ada.sst.simple-collection');
  assert.equal(byId.get('nd-1')?.collection, 'ada.sst');
  // Asset hrefs resolve against the document, inside the repository.
  const core = byId.get('20201211_223832_CS2') as StacItem;
  for (const asset of Object.values(core.assets ?? {}) as { href: string }[]) assert.match(asset.href, /^(https?:)/);
});

test('every link out of the repository is reported and refused', () => {
  const messages = problems('hostile/catalog.json').map((p) => p.message);
  const expect = (pattern: RegExp) => assert.ok(messages.some((m) => pattern.test(m)), `${pattern} not in ${JSON.stringify(messages, null, 1)}`);
  expect(/link outside the repository .*\/data\/ada\/other-repo\/catalog\.json/);
  assert.equal(messages.filter((m) => /link outside the repository/.test(m)).length, 3);
  expect(/link to an internal address is not followed: http:\/\/127\.0\.0\.1/);
  expect(/link to an internal address is not followed: http:\/\/169\.254\.169\.254/);
  expect(/link to another host is not followed: https:\/\/stac\.example\.org/);
  expect(/link to a file: URL is not followed/);
  expect(/broken link: hostile\/missing\.json is not in the repository/);
  expect(/is not a URL/);
  expect(/link with a query/);
  assert.ok(problems('hostile/catalog.json').every((p) => /^\/links\/\d+\/href$/.test(p.pointer ?? '')));
});

test('a link cycle ends: each document is read once', () => {
  const reads = server.hits.filter((h) => h.path.startsWith('/data/ada/sst/hostile/'));
  const count = (key: string) => reads.filter((h) => h.path === `/data/ada/sst/${key}`).length;
  assert.equal(count('hostile/catalog.json'), 1);
  assert.equal(count('hostile/loop.json'), 1);
});

test('a 1 GiB catalog.json is refused by its size and never requested', () => {
  assert.match(problems('huge/catalog.json')[0]?.message ?? '', /1073741824 bytes is larger than the 10485760-byte limit/);
  assert.equal(server.hits.filter((h) => h.path.includes('huge')).length, 0);
});

test('malformed JSON, invalid STAC, unknown extensions and bad NDJSON lines are reported, not indexed', () => {
  assert.match(problems('hostile/broken.json')[0]?.message ?? '', /not JSON/);
  assert.deepEqual(problems('hostile/invalid-item.json').map((p) => [p.pointer, p.message]), [['/id', 'must be string (type: string)']]);
  assert.match(problems('hostile/unknown-extension.json')[0]?.message ?? '', /schema not available offline: https:\/\/stac-extensions\.github\.io\/nonexistent/);
  assert.match(problems('hostile/items.ndjson:2')[0]?.message ?? '', /not JSON/);
  assert.match(problems('hostile/items.ndjson:3')[0]?.message ?? '', /already used in collection ada\.sst by hostile\/items\.ndjson:1/);
  const ids = items().map((e) => e.item.id);
  assert.ok(!ids.includes(17 as unknown as string) && !ids.includes('unknown-ext'));
});

test('JSON that is not STAC is left to the extractors', () => {
  assert.deepEqual(entries.filter((e) => e.kind === 'not-stac').map((e) => (e as { key: string }).key), ['hostile/plain.geojson']);
});

test('no request ever left the repository: the other server saw none, this one only listed keys, with the crawler\'s credentials', () => {
  assert.deepEqual(outside.hits, []);
  assert.ok(server.hits.length > 0);
  for (const hit of server.hits) {
    assert.match(hit.path, /^\/data\/ada\/sst\/[^]+\.(json|ndjson|geojson)$/, hit.path);
    assert.ok(!hit.path.includes('..') && !hit.path.includes('other-repo') && !hit.path.includes('etc'), hit.path);
    assert.equal(hit.headers.authorization, 'Bearer crawler');
  }
});

test('the repository collection\'s extent covers the items found', () => {
  const extent = extentOf(items().map((e) => e.item));
  assert.ok(extent);
  const [w, s, e, n] = extent.spatial.bbox[0];
  // Items in California and in Australia: the smallest cover crosses the antimeridian.
  assert.ok(w > e, JSON.stringify(extent.spatial.bbox[0]));
  const lonInside = (x: number) => (w <= e ? x >= w && x <= e : x >= w || x <= e);
  for (const { item } of items()) {
    const [iw, is, ie, in_] = item.bbox as number[];
    assert.ok(lonInside(iw) && lonInside(ie) && is >= s && in_ <= n, `${item.id} ${JSON.stringify(item.bbox)} outside ${JSON.stringify(extent.spatial.bbox[0])}`);
  }
  const [start, end] = extent.temporal.interval[0];
  assert.ok(start && end && start <= end);
});

test('the same walk over a local directory finds the same items and collections', async () => {
  const local: WalkEntry[] = [];
  for await (const entry of walkStac(directoryRepositoryReader(repo, 'https://data.example/data/ada/sst/'), { repositoryCollectionId: 'ada.sst', validator })) local.push(entry);
  const summary = (list: WalkEntry[]) => list.map((e) => (e.kind === 'item' ? `item ${e.item.collection}/${e.item.id}` : e.kind === 'collection' ? `collection ${(e.collection as StacCollection).id}` : e.kind)).filter((e) => e !== 'problem').sort();
  // The absolute link naming the HTTP server now points at another host, but its item is found as a root all the same.
  assert.deepEqual(summary(local), summary(entries));
});

test('a walk stops at maxDocuments and says where', async () => {
  const walked: WalkEntry[] = [];
  for await (const entry of walkStac(directoryRepositoryReader(repo, 'https://data.example/data/ada/sst/'), { repositoryCollectionId: 'ada.sst', validator, maxDocuments: 3 })) walked.push(entry);
  const stops = walked.filter((e) => e.kind === 'problem' && /more than 3 STAC documents/.test(e.message));
  assert.equal(stops.length, 1);
});
