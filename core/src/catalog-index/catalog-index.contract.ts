// The one contract every CatalogIndex adapter passes (DESIGN.md §2): SQLite here,
// Elasticsearch and OpenSearch with the very same cases. Nothing in it knows a
// backend: page tokens are opaque, the order among equal sort keys is only
// required to be stable, and results are compared as sets wherever the order is
// not part of the contract. Most answers are checked against a brute-force
// evaluation over the in-memory items (contract/oracle.ts).
//
// Usage, in an adapter's test file:
//   catalogIndexContract('sqlite', async () => new SqliteCatalogIndex(path));
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Geometry } from 'geojson';
import type { CatalogVisibility, RepositoryRef } from '../access/access-rule.ts';
import { ValidationError } from '../errors.ts';
import { parseFreeText, type FreeText } from '../stac/search/free-text.ts';
import type { CollectionSearch, ItemSearch, SortKey } from '../stac/search/search-query.ts';
import { parseCollectionSearch, parseItemSearch, type SearchMethod } from '../stac/search/search-request.ts';
import type { StacCollection, StacItem } from '../stac/stac-types.ts';
import type { AggregationResult, Bucket, CatalogIndex, Page } from './catalog-index.port.ts';
import { fullCorpus, minimalCollection, REAL, type Corpus } from './contract/corpus.ts';
import {
  boxGeometry, collectionInterval, collectionTextFields, compareSortValues, containsPoint, envelopeCentre, geotile, intersects,
  itemInterval, itemSortTime, itemTextFields, matchesFreeText, ms, overlaps, withinBox, type SortValue,
} from './contract/oracle.ts';

type Params = Record<string, unknown>;
type Open = () => Promise<CatalogIndex>;
type ItemPredicate = (item: StacItem) => boolean;

const LIMITS = { defaultLimit: 10, maxLimit: 10_000 };

// ------------------------------------------------------------------ helpers

async function withIndex(open: Open, run: (index: CatalogIndex) => Promise<void>): Promise<void> {
  const index = await open();
  try {
    await run(index);
  } finally {
    await index.close();
  }
}

/** A search as the API builds it from request parameters; unless given, a limit that fits every item on one page. */
function itemSearch(params: Params, method: SearchMethod = 'POST'): ItemSearch {
  const limit = method === 'GET' ? '10000' : 10_000;
  return parseItemSearch({ limit, ...params }, method, LIMITS).search;
}

function collectionSearch(params: Params, method: SearchMethod = 'POST'): CollectionSearch {
  const limit = method === 'GET' ? '10000' : 10_000;
  return parseCollectionSearch({ limit, ...params }, method, LIMITS).search;
}

const keyOf = (item: StacItem) => `${item.collection}/${item.id}`;
const keysOf = (items: StacItem[]) => items.map(keyOf);
const sortedKeys = (items: StacItem[]) => keysOf(items).sort();

function prop(item: StacItem, name: string): unknown {
  const v = item.properties[name];
  return v === null ? undefined : v;
}

function num(item: StacItem, name: string): number | undefined {
  const v = item.properties[name];
  return typeof v === 'number' ? v : undefined;
}

function str(item: StacItem, name: string): string | undefined {
  const v = item.properties[name];
  return typeof v === 'string' ? v : undefined;
}

function list(item: StacItem, name: string): unknown[] | undefined {
  const v = item.properties[name];
  return Array.isArray(v) ? v : undefined;
}

const isSynthetic = (item: StacItem) => item.collection === 'syn-a' || item.collection === 'syn-b';
const casefold = (s: string) => s.toLowerCase();
const unaccent = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const timeOf = (item: StacItem, name: string) => ms(item.properties[name]);

function spatial(item: StacItem, test: (geometry: Geometry) => boolean): boolean {
  return item.geometry !== null && test(item.geometry);
}

function find(items: StacItem[], ref: { collection: string; id: string }): StacItem {
  const item = items.find((i) => i.collection === ref.collection && i.id === ref.id);
  assert.ok(item, `corpus has ${ref.collection}/${ref.id}`);
  return item;
}

interface ExpectOptions {
  /** The case is meant to select nothing (or everything): skip the "selects some but not all" sanity check. */
  degenerate?: boolean;
  label?: string;
}

/**
 * Runs an item search built from request parameters and compares it, as a set,
 * with the items the predicate selects; also checks numberMatched.
 */
async function expectItems(
  index: CatalogIndex, corpus: Corpus, params: Params, method: SearchMethod, predicate: ItemPredicate, options: ExpectOptions = {},
): Promise<Page<StacItem>> {
  const label = options.label ?? `${method} ${JSON.stringify(params)}`;
  const expected = corpus.items.filter(predicate);
  if (!options.degenerate) {
    assert.ok(expected.length > 0, `${label}: the case should select some items`);
    assert.ok(expected.length < corpus.items.length, `${label}: the case should not select every item`);
  }
  const page = await index.searchItems(itemSearch(params, method));
  assert.deepEqual(sortedKeys(page.features), sortedKeys(expected), label);
  assert.equal(page.numberMatched, expected.length, `${label}: numberMatched`);
  assert.equal(page.next, undefined, `${label}: everything fits on one page`);
  const written = new Map(expected.map((i) => [keyOf(i), i]));
  for (const feature of page.features) assert.deepEqual(feature, written.get(keyOf(feature)), `${label}: ${keyOf(feature)} comes back as written`);
  return page;
}

async function expectCollections(
  index: CatalogIndex, corpus: Corpus, params: Params, method: SearchMethod, predicate: (c: StacCollection) => boolean,
): Promise<Page<StacCollection>> {
  const label = `${method} ${JSON.stringify(params)}`;
  const expected = corpus.collections.filter(predicate).map((c) => c.id).sort();
  assert.ok(expected.length > 0 && expected.length < corpus.collections.length, `${label}: the case should select some collections`);
  const page = await index.searchCollections(collectionSearch(params, method));
  assert.deepEqual(page.features.map((c) => c.id).sort(), expected, label);
  assert.equal(page.numberMatched, expected.length, `${label}: numberMatched`);
  return page;
}

function itemSortValue(item: StacItem, field: string): SortValue {
  if (field === 'datetime') return itemSortTime(item);
  if (field === 'id') return item.id;
  if (field === 'collection') return item.collection;
  const v = item.properties[field];
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

function collectionSortValue(collection: StacCollection, field: string): SortValue {
  if (field === 'datetime') return collectionInterval(collection)[0];
  const v = collection[field];
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

function compareBy<T>(value: (x: T, field: string) => SortValue, sortby: SortKey[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of sortby) {
      const c = compareSortValues(value(a, key.field), value(b, key.field), key.direction);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** Consecutive results never go against the requested order (ties may come in any stable order). */
function assertOrdered<T>(features: T[], compare: (a: T, b: T) => number, describe: (x: T) => string, label: string): void {
  for (let i = 1; i < features.length; i++) {
    assert.ok(compare(features[i - 1], features[i]) <= 0, `${label}: ${describe(features[i - 1])} comes before ${describe(features[i])}`);
  }
}

/** Follows `next` from the first page to the last. */
async function walkForward<T>(run: (token?: string) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let token: string | undefined;
  do {
    const page = await run(token);
    pages.push(page);
    token = page.next;
    assert.ok(pages.length < 500, 'paging ends');
  } while (token !== undefined);
  return pages;
}

/** Follows `prev` from a page back to the first one. */
async function walkBackward<T>(from: Page<T>, run: (token?: string) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [from];
  let token = from.prev;
  while (token !== undefined) {
    const page = await run(token);
    pages.push(page);
    token = page.prev;
    assert.ok(pages.length < 500, 'paging back ends');
  }
  return pages;
}

/**
 * Pages through a search with a small limit and checks the contract of keyset
 * paging: each match exactly once and in order going forwards, the same pages
 * in reverse going backwards, numberMatched on every page.
 */
async function checkPaging<T>(options: {
  label: string;
  limit: number;
  expected: T[];
  idOf: (x: T) => string;
  compare: (a: T, b: T) => number;
  run: (token?: string) => Promise<Page<T>>;
}): Promise<void> {
  const { label, limit, expected, idOf, compare, run } = options;
  assert.ok(expected.length > 3 * limit, `${label}: enough matches for several pages`);
  const pages = await walkForward(run);
  assert.equal(pages.length, Math.ceil(expected.length / limit), `${label}: number of pages`);
  pages.forEach((page, i) => {
    assert.equal(page.numberMatched, expected.length, `${label}: numberMatched on page ${i + 1}`);
    const size = i < pages.length - 1 ? limit : expected.length - limit * (pages.length - 1);
    assert.equal(page.features.length, size, `${label}: size of page ${i + 1}`);
    assert.equal(page.prev === undefined, i === 0, `${label}: page ${i + 1} has a prev link unless it is the first`);
    assert.equal(page.next === undefined, i === pages.length - 1, `${label}: page ${i + 1} has a next link unless it is the last`);
  });
  const all = pages.flatMap((p) => p.features);
  const ids = all.map(idOf);
  assert.equal(new Set(ids).size, ids.length, `${label}: no item comes twice`);
  assert.deepEqual([...ids].sort(), expected.map(idOf).sort(), `${label}: every match comes once`);
  assertOrdered(all, compare, idOf, label);

  // The same link followed twice gives the same page.
  if (pages.length > 2) {
    const again = await run(pages[1].next);
    assert.deepEqual(again.features.map(idOf), pages[2].features.map(idOf), `${label}: a next link is stable`);
  }

  // Back from the last page with prev: the same pages, in reverse.
  const back = await walkBackward(pages[pages.length - 1], run);
  assert.deepEqual(
    back.map((p) => p.features.map(idOf)),
    [...pages].reverse().map((p) => p.features.map(idOf)),
    `${label}: walking back with prev gives the same pages`,
  );
  for (const page of back) assert.equal(page.numberMatched, expected.length, `${label}: numberMatched going back`);
  const first = back[back.length - 1];
  assert.equal(first.prev, undefined, `${label}: the first page reached with prev has no prev`);
  assert.notEqual(first.next, undefined, `${label}: the first page reached with prev has a next`);
}

function bucketMap(result: AggregationResult | undefined, normalise: (key: string) => string = (k) => k): Map<string, number> {
  assert.ok(result && result.data_type === 'frequency_distribution', `${result?.name} is a frequency distribution`);
  assert.equal(result.overflow, 0, `${result.name}: no overflow`);
  const map = new Map<string, number>();
  // Empty buckets (a date histogram may list them) say nothing either way.
  for (const bucket of (result.buckets as Bucket[]).filter((b) => b.frequency !== 0)) {
    const key = normalise(bucket.key);
    assert.ok(!map.has(key), `${result.name}: bucket ${key} comes once`);
    map.set(key, bucket.frequency);
  }
  return map;
}

function countBy<T>(values: T[], key: (v: T) => string[] | string | undefined): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of values) {
    const k = key(v);
    for (const one of k === undefined ? [] : Array.isArray(k) ? k : [k]) map.set(one, (map.get(one) ?? 0) + 1);
  }
  return map;
}

const asSorted = (map: Map<string, number>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

async function loadCorpus(index: CatalogIndex, corpus: Corpus): Promise<void> {
  const c = await index.upsertCollections(corpus.collections);
  assert.deepEqual(c.errors, [], 'every collection of the corpus is accepted');
  assert.equal(c.written, corpus.collections.length);
  const i = await index.upsertItems(corpus.items);
  assert.deepEqual(i.errors, [], 'every item of the corpus is accepted');
  assert.equal(i.written, corpus.items.length);
}

function item(id: string, collection: string, geometry: Geometry | null, properties: Record<string, unknown>): StacItem {
  return { type: 'Feature', stac_version: '1.0.0', id, collection, geometry, properties, links: [], assets: {} };
}

const box = (w: number, s: number, e: number, n: number): Geometry => boxGeometry([w, s, e, n]);

// ------------------------------------------------------------------ the contract

export function catalogIndexContract(name: string, open: Open): void {
  describe(`CatalogIndex contract: ${name}`, () => {
    writeCases(open);
    readCases(open);
    accessCases(open);
  });
}

/**
 * Search filters by the caller's visibility (access-rule.ts) inside the engine:
 * results, counts, pages and aggregations never show what the caller may not find.
 */
function accessCases(open: Open): void {
  describe('access', () => {
    const repositories: RepositoryRef[] = [
      { accountId: 'acme', repositoryId: 'public', visibility: 'public', state: 'published', disabled: false },
      { accountId: 'acme', repositoryId: 'unlisted', visibility: 'unlisted', state: 'published', disabled: false },
      { accountId: 'acme', repositoryId: 'restricted', visibility: 'restricted', state: 'published', disabled: false },
      { accountId: 'acme', repositoryId: 'draft', visibility: 'public', state: 'draft', disabled: false },
      { accountId: 'acme', repositoryId: 'disabled', visibility: 'public', state: 'published', disabled: true },
      { accountId: 'other', repositoryId: 'restricted', visibility: 'restricted', state: 'published', disabled: false },
    ];
    const collectionOf = (r: RepositoryRef) => `${r.accountId}-${r.repositoryId}`;
    const everyone = 'no-repository';
    const load = async (index: CatalogIndex) => {
      for (const r of repositories) {
        assert.equal((await index.upsertCollections([minimalCollection(collectionOf(r), [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null], { title: `Access ${collectionOf(r)}` })], r)).written, 1);
      }
      assert.equal((await index.upsertCollections([minimalCollection(everyone, [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null], { title: 'Access none' })])).written, 1);
      const items = [...repositories.map(collectionOf), everyone].flatMap((c) =>
        [1, 2, 3].map((n) => item(`${c}-${n}`, c, box(n + 0.1, 1.1, n + 0.9, 1.9), { datetime: `2021-0${n}-01T00:00:00Z`, title: `shared words ${c}`, kind: 'access' })));
      assert.equal((await index.upsertItems(items)).written, items.length);
    };
    const none = { accounts: [] as string[], repositories: [] as string[] };
    const anonymous: CatalogVisibility = { all: false, owner: none, writer: none, reader: none };
    const cases: { name: string; visibility: CatalogVisibility; sees: string[] }[] = [
      { name: 'anonymous', visibility: anonymous, sees: ['acme-public', everyone] },
      { name: 'a reader of one restricted repository', visibility: { all: false, owner: none, writer: none, reader: { accounts: [], repositories: ['acme/restricted'] } }, sees: ['acme-public', 'acme-restricted', everyone] },
      { name: 'a writer of the account', visibility: { all: false, owner: none, writer: { accounts: ['acme'], repositories: [] }, reader: none }, sees: ['acme-public', 'acme-unlisted', 'acme-restricted', 'acme-draft', everyone] },
      { name: 'an owner of the account', visibility: { all: false, owner: { accounts: ['acme'], repositories: [] }, writer: none, reader: none }, sees: ['acme-public', 'acme-unlisted', 'acme-restricted', 'acme-draft', 'acme-disabled', everyone] },
      { name: 'an admin', visibility: { all: true }, sees: [...repositories.map(collectionOf), everyone] },
    ];
    const collectionsOf = (features: { collection?: string; id: string }[], key: 'collection' | 'id') => [...new Set(features.map((f) => String(f[key])))].sort();

    for (const c of cases) {
      test(`${c.name} finds only what it may, in items, collections, counts, pages and aggregations`, async () => {
        await withIndex(open, async (index) => {
          await load(index);
          const expected = [...c.sees].sort();
          const items = await index.searchItems({ ...itemSearch({ filter: "kind = 'access'" }), visibility: c.visibility, limit: 2 });
          assert.equal(items.numberMatched, expected.length * 3, 'numberMatched counts visible items only');
          const seen: StacItem[] = [...items.features];
          for (let token = items.next; token;) {
            const page = await index.searchItems({ ...itemSearch({ filter: "kind = 'access'" }), visibility: c.visibility, limit: 2, token });
            seen.push(...page.features);
            token = page.next;
          }
          assert.deepEqual(collectionsOf(seen, 'collection'), expected, 'items through every page');
          const text = await index.searchItems({ ...itemSearch({ q: 'shared' }), visibility: c.visibility, limit: 100 });
          assert.deepEqual(collectionsOf(text.features, 'collection'), expected, 'free-text matches');
          assert.equal(text.numberMatched, expected.length * 3, 'free-text count');
          const collections = await index.searchCollections({ sortby: [{ field: 'id', direction: 'asc' }], limit: 100, q: parseFreeText('Access'), visibility: c.visibility });
          assert.deepEqual(collectionsOf(collections.features, 'id'), expected, 'collection search');
          const [total, perCollection] = await index.aggregate({ visibility: c.visibility, filter: { op: '=', args: [{ property: 'kind' }, 'access'] } },
            [{ name: 'total_count' }, { name: 'collection_frequency' }]);
          assert.equal((total as { value: number }).value, expected.length * 3, 'aggregated total');
          assert.deepEqual((perCollection as { buckets: { key: string }[] }).buckets.map((b) => b.key).sort(), expected, 'aggregated buckets');
        });
      });
    }

    test('global queryables and aggregations derive only from the collections the caller may find', async () => {
      await withIndex(open, async (index) => {
        await load(index);
        const restricted = collectionOf(repositories[2]);
        const secret = item(`${restricted}-secret`, restricted, box(5.1, 1.1, 5.9, 1.9), { datetime: '2021-05-01T00:00:00Z', only_restricted: 'x' });
        assert.equal((await index.upsertItems([secret])).written, 1);
        const owner: CatalogVisibility = { all: false, owner: { accounts: ['acme'], repositories: [] }, writer: none, reader: none };
        assert.ok(!('only_restricted' in (await index.queryables(undefined, anonymous)).properties), 'hidden from anonymous');
        assert.ok('kind' in (await index.queryables(undefined, anonymous)).properties, 'what anonymous may find stays queryable');
        assert.ok('only_restricted' in (await index.queryables(undefined, owner)).properties, 'shown to an owner');
        assert.ok('only_restricted' in (await index.queryables()).properties, 'and without a visibility');
        const names = async (v: CatalogVisibility) => (await index.aggregations(undefined, v)).map((a) => a.name);
        assert.ok(!(await names(anonymous)).includes('only_restricted_frequency'));
        assert.ok((await names(owner)).includes('only_restricted_frequency'));
      });
    });

    test('a repository changing visibility changes what search finds; its collections know their repository', async () => {
      await withIndex(open, async (index) => {
        await load(index);
        const restricted = repositories[2];
        assert.deepEqual(await index.collectionRepository(collectionOf(restricted)), restricted);
        assert.equal(await index.collectionRepository(everyone), null);
        assert.equal(await index.collectionRepository('no-such-collection'), undefined);
        const before = await index.searchItems({ ...itemSearch({ collections: collectionOf(restricted) }), visibility: anonymous });
        assert.equal(before.numberMatched, 0);
        assert.equal(await index.updateRepositoryAccess({ ...restricted, visibility: 'public' }), 1);
        const after = await index.searchItems({ ...itemSearch({ collections: collectionOf(restricted) }), visibility: anonymous });
        assert.equal(after.numberMatched, 3);
        // Replacing a collection without naming a repository keeps its access.
        const doc = await index.getCollection(collectionOf(restricted));
        assert.ok(doc);
        await index.upsertCollections([doc]);
        assert.deepEqual(await index.collectionRepository(collectionOf(restricted)), { ...restricted, visibility: 'public' });
      });
    });
  });
}

function writeCases(open: Open): void {
  describe('writes', () => {
    const collectionA = minimalCollection('write-a', [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null], { title: 'Write A' });
    const collectionB = minimalCollection('write-b', [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null], { title: 'Write B' });
    const valid = (id: string, collection = 'write-a', extra: Record<string, unknown> = {}) =>
      item(id, collection, box(10.1, 40.1, 11.1, 41.1), { datetime: '2021-01-01T00:00:00Z', title: `Item ${id}`, ...extra });

    test('bulk upsert writes the valid entries and reports every bad one with its position', async () => {
      await withIndex(open, async (index) => {
        assert.deepEqual(await index.upsertCollections([collectionA]), { written: 1, errors: [] });
        const noDatetime = item('no-datetime', 'write-a', box(0.1, 0.1, 1.1, 1.1), { title: 'no time' });
        const unknownCollection = valid('orphan', 'no-such-collection');
        const openRing = item('open-ring', 'write-a', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, { datetime: '2021-01-01T00:00:00Z' });
        const badLongitude = item('bad-longitude', 'write-a', { type: 'Point', coordinates: [200, 10] }, { datetime: '2021-01-01T00:00:00Z' });
        const badDatetime = item('bad-datetime', 'write-a', null, { datetime: 'yesterday' });
        const batch = [valid('ok-1'), noDatetime, unknownCollection, openRing, valid('ok-2'), badLongitude, badDatetime, valid('ok-3')];
        const result = await index.upsertItems(batch);
        assert.equal(result.written, 3);
        assert.deepEqual(result.errors.map((e) => e.index), [1, 2, 3, 5, 6]);
        for (const error of result.errors) {
          assert.equal(error.id, batch[error.index].id, 'each error names its item');
          assert.equal(typeof error.message, 'string');
          assert.ok(error.message.length > 0);
        }
        assert.match(result.errors[1].message, /no-such-collection/);
        const page = await index.searchItems(itemSearch({}));
        assert.deepEqual(page.features.map((f) => f.id).sort(), ['ok-1', 'ok-2', 'ok-3']);
        assert.equal(page.numberMatched, 3);
        for (const bad of [noDatetime, openRing, badLongitude, badDatetime]) {
          assert.equal(await index.getItem({ collection: 'write-a', id: bad.id }), undefined, `${bad.id} was not written`);
        }
      });
    });

    test('bulk upsert of collections reports invalid ones and keeps the rest', async () => {
      await withIndex(open, async (index) => {
        const noExtent = { ...collectionB, id: 'no-extent', extent: undefined } as unknown as StacCollection;
        const badBbox = minimalCollection('bad-bbox', [0, 0, 1], ['2020-01-01T00:00:00Z', null]);
        const result = await index.upsertCollections([collectionA, noExtent, badBbox, collectionB]);
        assert.equal(result.written, 2);
        assert.deepEqual(result.errors.map((e) => [e.index, e.id]), [[1, 'no-extent'], [2, 'bad-bbox']]);
        assert.deepEqual(await index.getCollection('write-b'), collectionB);
        assert.equal(await index.getCollection('no-extent'), undefined);
        const page = await index.searchCollections(collectionSearch({}));
        assert.deepEqual(page.features.map((c) => c.id).sort(), ['write-a', 'write-b']);
      });
    });

    test('upserting an existing item replaces it everywhere: document, footprint, text, properties', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA]);
        const before = item('moving', 'write-a', box(10.1, 40.1, 11.1, 41.1), {
          datetime: '2021-01-01T00:00:00Z', title: 'Glacier survey', 'eo:cloud_cover': 5, tags: ['snow'],
        });
        const afterwards = item('moving', 'write-a', box(-60.9, -30.9, -59.9, -29.9), {
          datetime: '2022-06-01T00:00:00Z', title: 'Harbour survey', 'eo:cloud_cover': 80, tags: ['water'],
        });
        assert.equal((await index.upsertItems([before, valid('other')])).written, 2);
        assert.deepEqual(await index.upsertItems([afterwards]), { written: 1, errors: [] });
        assert.deepEqual(await index.getItem({ collection: 'write-a', id: 'moving' }), afterwards);

        const all = await index.searchItems(itemSearch({}));
        assert.equal(all.numberMatched, 2, 'replacing does not duplicate');
        assert.deepEqual(all.features.map((f) => f.id).sort(), ['moving', 'other']);
        const ids = async (params: Params) => (await index.searchItems(itemSearch(params))).features.map((f) => f.id).sort();
        assert.deepEqual(await ids({ ids: ['moving'] }), ['moving']);
        assert.deepEqual(await ids({ bbox: [10, 40, 12, 42] }), ['other'], 'the old footprint is gone');
        assert.deepEqual(await ids({ bbox: [-61, -31, -59, -29] }), ['moving'], 'the new footprint is found');
        assert.deepEqual(await ids({ q: 'glacier' }), [], 'the old title is gone from free text');
        assert.deepEqual(await ids({ q: 'harbour' }), ['moving']);
        assert.deepEqual(await ids({ datetime: '2020-12-01T00:00:00Z/2021-02-01T00:00:00Z' }), ['other']);
        assert.deepEqual(await ids({ datetime: '2022-06-01T00:00:00Z' }), ['moving']);
        assert.deepEqual(await ids({ query: { 'eo:cloud_cover': { lt: 10 } } }), []);
        assert.deepEqual(await ids({ filter: "A_CONTAINS(tags, ('water'))", 'filter-lang': 'cql2-text' }), ['moving']);
        assert.deepEqual(await ids({ filter: "A_CONTAINS(tags, ('snow'))", 'filter-lang': 'cql2-text' }), []);
      });
    });

    test('replacing a collection keeps its items', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA]);
        await index.upsertItems([valid('kept-1'), valid('kept-2')]);
        const renamed = { ...collectionA, title: 'Renamed', description: 'Now about volcanoes' };
        assert.deepEqual(await index.upsertCollections([renamed]), { written: 1, errors: [] });
        assert.deepEqual(await index.getCollection('write-a'), renamed);
        const page = await index.searchItems(itemSearch({ collections: ['write-a'] }));
        assert.deepEqual(page.features.map((f) => f.id).sort(), ['kept-1', 'kept-2']);
        const collections = await index.searchCollections(collectionSearch({ q: 'renamed' }));
        assert.deepEqual(collections.features.map((c) => c.id), ['write-a']);
      });
    });

    test('an item is identified by collection and id together', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA, collectionB]);
        const a = valid('same', 'write-a', { marker: 'a' });
        const b = valid('same', 'write-b', { marker: 'b' });
        assert.equal((await index.upsertItems([a, b])).written, 2);
        assert.deepEqual(await index.getItem({ collection: 'write-a', id: 'same' }), a);
        assert.deepEqual(await index.getItem({ collection: 'write-b', id: 'same' }), b);
        const page = await index.searchItems(itemSearch({ ids: ['same'] }));
        assert.deepEqual(sortedKeys(page.features), ['write-a/same', 'write-b/same']);
        const deleted = await index.deleteItems([{ collection: 'write-b', id: 'same' }]);
        assert.deepEqual(deleted, { written: 1, errors: [] });
        assert.deepEqual(await index.getItem({ collection: 'write-a', id: 'same' }), a);
        assert.equal(await index.getItem({ collection: 'write-b', id: 'same' }), undefined);
      });
    });

    test('deleteItems removes items and reports refs that do not exist', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA]);
        await index.upsertItems([valid('d-1', 'write-a', { title: 'Volcano one' }), valid('d-2'), valid('d-3')]);
        const result = await index.deleteItems([
          { collection: 'write-a', id: 'd-1' }, { collection: 'write-a', id: 'missing' }, { collection: 'nowhere', id: 'd-2' }, { collection: 'write-a', id: 'd-3' },
        ]);
        assert.equal(result.written, 2);
        assert.deepEqual(result.errors.map((e) => [e.index, e.id]), [[1, 'missing'], [2, 'd-2']]);
        assert.equal(await index.getItem({ collection: 'write-a', id: 'd-1' }), undefined);
        const page = await index.searchItems(itemSearch({}));
        assert.deepEqual(page.features.map((f) => f.id), ['d-2']);
        assert.equal(page.numberMatched, 1);
        assert.equal((await index.searchItems(itemSearch({ q: 'volcano' }))).numberMatched, 0, 'deleted items leave free text');
        assert.equal((await index.searchItems(itemSearch({ bbox: [10, 40, 12, 42] }))).numberMatched, 1, 'deleted items leave the spatial index');
        const again = await index.deleteItems([{ collection: 'write-a', id: 'd-1' }]);
        assert.equal(again.written, 0);
        assert.deepEqual(again.errors.map((e) => e.index), [0]);
      });
    });

    test('deleteCollection removes the collection, its items and their queryables', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA, collectionB]);
        await index.upsertItems([
          valid('a-1', 'write-a', { only_in_a: 'yes' }), valid('a-2', 'write-a'), valid('b-1', 'write-b', { only_in_b: 1 }),
        ]);
        assert.ok('only_in_a' in (await index.queryables()).properties);
        assert.equal(await index.deleteCollection('write-a'), true);
        assert.equal(await index.getCollection('write-a'), undefined);
        assert.equal(await index.getItem({ collection: 'write-a', id: 'a-1' }), undefined);
        const items = await index.searchItems(itemSearch({}));
        assert.deepEqual(sortedKeys(items.features), ['write-b/b-1']);
        assert.equal((await index.searchItems(itemSearch({ collections: ['write-a'] }))).numberMatched, 0);
        assert.equal((await index.searchItems(itemSearch({ bbox: [10, 40, 12, 42] }))).numberMatched, 1);
        assert.equal((await index.searchItems(itemSearch({ q: '"item a-1"' }))).numberMatched, 0, 'deleted items leave free text');
        assert.deepEqual((await index.searchCollections(collectionSearch({}))).features.map((c) => c.id), ['write-b']);
        const queryables = await index.queryables();
        assert.ok(!('only_in_a' in queryables.properties), 'a property only the deleted items had is no longer queryable');
        assert.ok('only_in_b' in queryables.properties);
        assert.equal(await index.deleteCollection('write-a'), false, 'deleting twice finds nothing');
        const orphan = await index.upsertItems([valid('a-3', 'write-a')]);
        assert.equal(orphan.written, 0);
        assert.deepEqual(orphan.errors.map((e) => e.index), [0]);
      });
    });

    test('ids with quotes, slashes, spaces and accents round-trip and are found', async () => {
      await withIndex(open, async (index) => {
        const odd = minimalCollection("odd: col/lection 'ü'", [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null]);
        assert.deepEqual(await index.upsertCollections([odd]), { written: 1, errors: [] });
        const ids = ["it's", 'a/b?c#d', 'with space', 'Zürich "quoted"', '100%_done', '1000', 'back\\slash', '*'];
        const written = ids.map((id) => valid(id, odd.id));
        assert.deepEqual(await index.upsertItems(written), { written: ids.length, errors: [] });
        assert.deepEqual(await index.getCollection(odd.id), odd);
        for (const it of written) assert.deepEqual(await index.getItem({ collection: odd.id, id: it.id }), it, it.id);
        const some = await index.searchItems(itemSearch({ ids: [ids[0], ids[3], ids[5]], collections: [odd.id] }));
        assert.deepEqual(some.features.map((f) => f.id).sort(), [ids[0], ids[3], ids[5]].sort());
        const byFilter = await index.searchItems(itemSearch({ filter: "id LIKE '100\\%%'", 'filter-lang': 'cql2-text' }));
        assert.deepEqual(byFilter.features.map((f) => f.id), ['100%_done'], 'an escaped % in LIKE is a literal');
        const deleted = await index.deleteItems(ids.map((id) => ({ collection: odd.id, id })));
        assert.deepEqual(deleted, { written: ids.length, errors: [] });
        assert.equal(await index.deleteCollection(odd.id), true);
      });
    });

    test('searchItemTexts gives the searchItems page with each item as written: its JSON text without links, its links apart', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA]);
        const odd = ['quote " and \\ backslash', 'line\u2028separator\u2029', 'astral 🛰️ 𝔘', 'tab\tnewline\ncr\r', 'nul \u0000', 'é and e\u0301', '</script>'];
        const written: StacItem[] = [
          {
            ...valid('text-links'),
            links: [{ rel: 'license', href: 'https://example.com/licence?a="b"&c=\\d' }, { rel: 'self', href: 'relative.json' }],
            assets: { data: { href: 'https://example.com/ü.tif', title: odd[2], roles: ['data'] } },
          },
          valid('text-odd "\\ ü', 'write-a', { odd, nested: { deep: [1, 2.5, 1e21, -3e-7, null, true, { '': 'empty key', ключ: odd[0] }] } }),
          (({ links: _, ...rest }) => rest as StacItem)(valid('text-no-links')),
        ];
        assert.deepEqual(await index.upsertItems(written), { written: written.length, errors: [] });
        const params = { collections: ['write-a'], sortby: 'id', limit: 2 };
        for (let token: string | undefined, pages = 0; pages === 0 || token; pages++) {
          const search = itemSearch({ ...params, ...(token ? { token } : {}) });
          const [texts, objects] = [await index.searchItemTexts(search), await index.searchItems(search)];
          assert.deepEqual({ ...texts, features: texts.features.map((t) => t.id) }, { ...objects, features: objects.features.map((f) => f.id) }, 'the same page, count and tokens');
          for (const [i, text] of texts.features.entries()) {
            const { links, ...rest } = written.find((w) => w.id === text.id) as StacItem;
            assert.equal(text.collection, 'write-a');
            assert.match(text.json, /^\{.*\}$/s);
            assert.deepEqual(JSON.parse(text.json), rest, text.id);
            assert.deepEqual(text.links, links, `${text.id}: links`);
            assert.deepEqual(objects.features[i], written.find((w) => w.id === text.id));
          }
          token = texts.next;
        }
      });
    });

    test('datetimes with offsets and fractions compare as instants', async () => {
      await withIndex(open, async (index) => {
        await index.upsertCollections([collectionA]);
        await index.upsertItems([
          valid('offset', 'write-a', { datetime: '2021-01-01T05:00:00+05:00' }),
          valid('before', 'write-a', { datetime: '2020-12-31T23:30:00Z' }),
          valid('fraction', 'write-a', { datetime: '2021-01-01T00:00:00.5Z' }),
          valid('late', 'write-a', { datetime: '2021-01-01T01:00:00-01:00' }),
        ]);
        const ids = async (params: Params) => (await index.searchItems(itemSearch(params))).features.map((f) => f.id);
        assert.deepEqual(await ids({ sortby: '+datetime' }), ['before', 'offset', 'fraction', 'late']);
        assert.deepEqual(await ids({ datetime: '2021-01-01T00:00:00Z' }), ['offset']);
        assert.deepEqual(await ids({ datetime: '2021-01-01T00:00:00.100Z/2021-01-01T01:59:59Z', sortby: 'datetime' }), ['fraction']);
        assert.deepEqual(await ids({ datetime: '2021-01-01T02:00:00Z/..' }), ['late']);
        assert.deepEqual(await ids({ filter: "T_BEFORE(datetime, TIMESTAMP('2021-01-01T00:00:00Z'))", 'filter-lang': 'cql2-text' }), ['before']);
      });
    });

    test('writes are visible to the next search, and an empty index answers empty', async () => {
      await withIndex(open, async (index) => {
        const empty = await index.searchItems(itemSearch({}));
        assert.deepEqual(empty.features, []);
        assert.equal(empty.numberMatched, 0);
        assert.equal(empty.next, undefined);
        assert.equal(empty.prev, undefined);
        assert.deepEqual((await index.searchCollections(collectionSearch({}))).features, []);
        assert.deepEqual(await index.upsertItems([]), { written: 0, errors: [] });
        await index.upsertCollections([collectionA]);
        await index.upsertItems([valid('now')]);
        assert.deepEqual((await index.searchItems(itemSearch({}))).features.map((f) => f.id), ['now']);
        const [count] = await index.aggregate({}, [{ name: 'total_count' }]);
        assert.deepEqual(count, { name: 'total_count', data_type: 'integer', value: 1 });
      });
    });
  });
}

function readCases(open: Open): void {
  describe('reads over real and synthetic data', () => {
    const corpus = fullCorpus();
    const items = corpus.items;
    let index: CatalogIndex;
    before(async () => {
      index = await open();
      await loadCorpus(index, corpus);
    });
    after(async () => {
      await index?.close();
    });

    describe('get', () => {
      test('getItem returns every item as it was written', async () => {
        for (const it of items) {
          assert.deepEqual(await index.getItem({ collection: it.collection as string, id: it.id }), it, keyOf(it));
        }
        assert.equal(await index.getItem({ collection: 'syn-a', id: 'no-such-item' }), undefined);
        assert.equal(await index.getItem({ collection: 'no-such-collection', id: 'syn-000' }), undefined);
        assert.equal(await index.getItem({ collection: 'syn-b', id: 'syn-000' }), undefined, 'syn-000 is in syn-a only');
      });

      test('getCollection returns every collection as it was written', async () => {
        for (const c of corpus.collections) assert.deepEqual(await index.getCollection(c.id), c, c.id);
        assert.equal(await index.getCollection('no-such-collection'), undefined);
      });
    });

    describe('search by ids, collections, space and time', () => {
      test('no filter: everything, newest first by default', async () => {
        const page = await expectItems(index, corpus, {}, 'GET', () => true, { degenerate: true });
        assertOrdered(page.features, compareBy(itemSortValue, [{ field: 'datetime', direction: 'desc' }]), keyOf, 'default order');
      });

      test('ids and collections', async () => {
        await expectItems(index, corpus, { ids: 'syn-001,syn-002,syn-005,S2B_T13TDE_20240420T175329_L2A,nope' }, 'GET',
          (i) => ['syn-001', 'syn-002', 'syn-005', 'S2B_T13TDE_20240420T175329_L2A'].includes(i.id));
        await expectItems(index, corpus, { collections: ['joplin', 'syn-b'] }, 'POST', (i) => i.collection === 'joplin' || i.collection === 'syn-b');
        await expectItems(index, corpus, { ids: ['shared-id'] }, 'POST', (i) => i.id === 'shared-id');
        await expectItems(index, corpus, { ids: ['shared-id', 'syn-001', 'syn-002'], collections: ['syn-b'] }, 'POST',
          (i) => i.collection === 'syn-b' && ['shared-id', 'syn-001', 'syn-002'].includes(i.id));
        await expectItems(index, corpus, { collections: ['no-such-collection'] }, 'POST', () => false, { degenerate: true });
      });

      test('bbox, 2D and 3D', async () => {
        const cases: number[][] = [[5, 45, 15, 50], [-110, 35, -100, 45], [-95, 37, -94.5, 37.1], [0, 40, 30, 60], [-180, -90, 180, 0]];
        for (const bbox of cases) {
          await expectItems(index, corpus, { bbox: bbox.join(',') }, 'GET', (i) => spatial(i, (g) => intersects(g, boxGeometry(bbox))));
        }
        // 3D: [west, south, minz, east, north, maxz]; elevation does not restrict 2D footprints.
        await expectItems(index, corpus, { bbox: [5, 45, -100, 15, 50, 5000] }, 'POST', (i) => spatial(i, (g) => intersects(g, boxGeometry([5, 45, 15, 50]))));
        await expectItems(index, corpus, { bbox: '-105.1,39.9,-500,-105,40,9000' }, 'GET', (i) => spatial(i, (g) => intersects(g, boxGeometry([-105.1, 39.9, -105, 40]))));
      });

      test('bbox crossing the antimeridian finds items on both sides and those that cross', async () => {
        const bbox = [175, 55, -175, 75];
        const page = await expectItems(index, corpus, { bbox }, 'POST', (i) => spatial(i, (g) => intersects(g, boxGeometry(bbox))));
        const found = new Set(keysOf(page.features));
        for (const ref of [REAL.antimeridianL2A, REAL.lulc60V, REAL.lulc60W]) assert.ok(found.has(`${ref.collection}/${ref.id}`), `${ref.id} is found`);
        assert.ok(page.features.some((f) => isSynthetic(f) && (f.bbox as number[])[0] > 170), 'a synthetic item east of 170°E');
        assert.ok(page.features.some((f) => isSynthetic(f) && (f.bbox as number[])[2] < -170), 'a synthetic item west of 170°W');
        assert.ok(!found.has(`${REAL.antimeridianL1C.collection}/${REAL.antimeridianL1C.id}`), 'the 16°S tile is not in a 55–75°N box');

        const south = [178, -17, -179, -15];
        const l1c = await expectItems(index, corpus, { bbox: south.join(',') }, 'GET', (i) => spatial(i, (g) => intersects(g, boxGeometry(south))));
        assert.deepEqual(keysOf(l1c.features), [`${REAL.antimeridianL1C.collection}/${REAL.antimeridianL1C.id}`]);

        // Boxes on one side only still find the part of a crossing footprint on that side.
        const westOnly = [-179.5, 60, -179, 70];
        const west = await expectItems(index, corpus, { bbox: westOnly }, 'POST', (i) => spatial(i, (g) => intersects(g, boxGeometry(westOnly))));
        assert.ok(keysOf(west.features).includes(`${REAL.lulc60V.collection}/${REAL.lulc60V.id}`));
        assert.ok(keysOf(west.features).includes(`${REAL.antimeridianL2A.collection}/${REAL.antimeridianL2A.id}`));
        const eastOnly = [179.2, 68.5, 179.5, 69];
        const east = await expectItems(index, corpus, { bbox: eastOnly }, 'POST', (i) => spatial(i, (g) => intersects(g, boxGeometry(eastOnly))));
        assert.ok(keysOf(east.features).includes(`${REAL.antimeridianL2A.collection}/${REAL.antimeridianL2A.id}`));
        // A crossing box where nothing lies finds nothing.
        await expectItems(index, corpus, { bbox: [179, -30, -179, -25] }, 'POST', (i) => spatial(i, (g) => intersects(g, boxGeometry([179, -30, -179, -25]))), { degenerate: true });
      });

      test('intersects with every geometry type', async () => {
        const geometries: Geometry[] = [
          { type: 'Point', coordinates: [12, 47] },
          { type: 'Point', coordinates: [-105, 40] },
          { type: 'LineString', coordinates: [[-20, 30], [40, 58], [60, 20]] },
          { type: 'Polygon', coordinates: [[[5, 45], [15, 42], [20, 50], [8, 52], [5, 45]]] },
          // A polygon with a hole: items only inside the hole do not intersect it.
          { type: 'Polygon', coordinates: [[[0, 40], [30, 40], [30, 60], [0, 60], [0, 40]], [[5, 45], [25, 45], [25, 55], [5, 55], [5, 45]]] },
          { type: 'MultiPolygon', coordinates: [[[[-95, 37], [-94.6, 37], [-94.6, 37.05], [-95, 37.05], [-95, 37]]], [[[20, 50], [22, 50], [22, 52], [20, 52], [20, 50]]]] },
          { type: 'MultiPoint', coordinates: [[12, 47], [-150, -40]] },
          { type: 'MultiLineString', coordinates: [[[-120, 30], [-100, 42]], [[100, 60], [140, 65]], [[0, 50], [30, 41]]] },
          { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [3, 50] }, { type: 'LineString', coordinates: [[-100, -60], [100, -50]] }] },
        ];
        for (const geometry of geometries) {
          await expectItems(index, corpus, { intersects: geometry }, 'POST', (i) => spatial(i, (g) => intersects(g, geometry)), { label: `intersects ${geometry.type}` });
        }
        const polygon = geometries[3];
        await expectItems(index, corpus, { intersects: JSON.stringify(polygon) }, 'GET', (i) => spatial(i, (g) => intersects(g, polygon)));
      });

      test('datetime: instant, closed interval, open at either end; ranges match by overlap', async () => {
        const synthetic = items.filter(isSynthetic);
        const instantItem = synthetic.find((i) => i.properties.datetime && !i.properties.start_datetime) as StacItem;
        const instant = instantItem.properties.datetime as string;
        const t = ms(instant) as number;
        const page = await expectItems(index, corpus, { datetime: instant }, 'GET', (i) => overlaps(itemInterval(i), [t, t]));
        assert.ok(keysOf(page.features).includes(keyOf(instantItem)));

        // An instant inside a range-only item's interval and equal to no datetime.
        const rangeItem = synthetic.find((i) => i.properties.datetime === null) as StacItem;
        const [start, end] = itemInterval(rangeItem);
        const inside = new Date(Math.floor((start + end) / 2 / 1000) * 1000 + 500).toISOString();
        const insideMs = ms(inside) as number;
        const byRange = await expectItems(index, corpus, { datetime: inside }, 'GET', (i) => overlaps(itemInterval(i), [insideMs, insideMs]));
        assert.ok(keysOf(byRange.features).includes(keyOf(rangeItem)), 'a range-only item matches an instant inside its range');

        const closed = ['2021-03-01T00:00:00Z', '2021-06-30T23:59:59Z'];
        await expectItems(index, corpus, { datetime: closed.join('/') }, 'GET', (i) => overlaps(itemInterval(i), [ms(closed[0])!, ms(closed[1])!]));
        await expectItems(index, corpus, { datetime: '2023-10-01T00:00:00Z/..' }, 'GET', (i) => itemInterval(i)[1] >= ms('2023-10-01T00:00:00Z')!);
        await expectItems(index, corpus, { datetime: '../2020-02-01T00:00:00Z' }, 'POST', (i) => itemInterval(i)[0] <= ms('2020-02-01T00:00:00Z')!);
        await expectItems(index, corpus, { datetime: '/2020-02-01T00:00:00Z' }, 'GET', (i) => itemInterval(i)[0] <= ms('2020-02-01T00:00:00Z')!);
        await expectItems(index, corpus, { datetime: '2000-02-01T00:00:00+01:00/2000-02-03T00:00:00-05:00' }, 'GET',
          (i) => overlaps(itemInterval(i), [ms('2000-01-31T23:00:00Z')!, ms('2000-02-03T05:00:00Z')!]));

        // The STAC core-item has only start/end_datetime (2020-12-11T22:38:32.125Z – .327Z).
        const core = find(items, REAL.rangeOnly);
        for (const [datetime, hit] of [
          ['2020-12-11T22:38:32.200Z', true], ['2020-12-11T22:38:32.327Z', true], ['2020-12-11T22:38:32.328Z', false],
          ['2020-12-11T22:38:32.300Z/2020-12-12T00:00:00Z', true], ['2020-12-01T00:00:00Z/2020-12-11T22:38:32.124Z', false],
          ['../2020-12-11T22:38:32.125Z', true], ['2020-12-11T22:38:32.326Z/..', true],
        ] as const) {
          const found = await index.searchItems(itemSearch({ datetime, collections: ['simple-collection'] }));
          assert.equal(found.features.some((f) => f.id === core.id), hit, `core-item vs datetime=${datetime}`);
        }
      });

      test('null-geometry items never match spatial filters but match everything else', async () => {
        const nullItems = items.filter((i) => i.geometry === null);
        assert.ok(nullItems.length >= 2);
        const nullKeys = new Set(keysOf(nullItems));
        const spatialSearches: Params[] = [
          { bbox: [-180, -90, 180, 90] },
          { intersects: box(-180, -90, 180, 90) },
          { filter: 'S_INTERSECTS(geometry, BBOX(-180,-90,180,90))', 'filter-lang': 'cql2-text' },
          { filter: 'S_DISJOINT(geometry, BBOX(0,0,1,1))', 'filter-lang': 'cql2-text' },
          { filter: 'S_WITHIN(geometry, BBOX(-180,-90,180,90))', 'filter-lang': 'cql2-text' },
        ];
        for (const params of spatialSearches) {
          const page = await index.searchItems(itemSearch(params));
          assert.ok(page.features.length > 0);
          assert.ok(!page.features.some((f) => nullKeys.has(keyOf(f))), `no null geometry for ${JSON.stringify(params)}`);
        }
        const world = await index.searchItems(itemSearch({ bbox: [-180, -90, 180, 90] }));
        assert.equal(world.numberMatched, items.length - nullItems.length, 'the world box finds every item with a geometry');
        const cs3 = find(items, REAL.nullGeometry);
        const byTime = await index.searchItems(itemSearch({ datetime: '2016-05-01T00:00:00Z/2016-05-31T00:00:00Z' }));
        assert.deepEqual(keysOf(byTime.features), [keyOf(cs3)]);
        const byText = await index.searchItems(itemSearch({ q: 'CS3' }));
        assert.ok(keysOf(byText.features).includes(keyOf(cs3)));
        const byFilter = await index.searchItems(itemSearch({ filter: "license = 'PDDL-1.0'", 'filter-lang': 'cql2-text' }));
        assert.deepEqual(keysOf(byFilter.features), [keyOf(cs3)]);
        const nullSynthetic = await index.searchItems(itemSearch({ filter: "shape = 'none'", 'filter-lang': 'cql2-text' }));
        assert.deepEqual(sortedKeys(nullSynthetic.features), sortedKeys(items.filter((i) => i.properties.shape === 'none')));
      });

      test('standard parameters combine with AND', async () => {
        const bbox = [0, 40, 30, 60];
        const interval: [number, number] = [ms('2021-01-01T00:00:00Z')!, ms('2022-12-31T00:00:00Z')!];
        await expectItems(index, corpus, {
          collections: ['syn-a'], bbox, datetime: '2021-01-01T00:00:00Z/2022-12-31T00:00:00Z', query: { 'eo:cloud_cover': { lt: 50 } }, q: 'glacier,harbour',
        }, 'POST', (i) => i.collection === 'syn-a' && spatial(i, (g) => intersects(g, boxGeometry(bbox))) && overlaps(itemInterval(i), interval)
          && (num(i, 'eo:cloud_cover') ?? Infinity) < 50 && /glacier|harbour/i.test(str(i, 'title') ?? ''));
      });
    });

    filterCases(() => index, corpus);
    freeTextCases(() => index, corpus);
    sortAndPageCases(() => index, corpus);
    collectionSearchCases(() => index, corpus);
    queryableAndAggregationCases(() => index, corpus);
  });
}

// ------------------------------------------------------------------ filter and query

interface FilterCase {
  name: string;
  text: string;
  /** The same filter as CQL2 JSON, when the case also checks that encoding. */
  json?: unknown;
  where: ItemPredicate;
  /** Extra search parameters, e.g. collections to keep to items where the property always exists. */
  params?: Params;
  degenerate?: boolean;
}

const lt = (a: number | undefined, b: number) => a !== undefined && a < b;
const p = (property: string) => ({ property });

function filterCases(getIndex: () => CatalogIndex, corpus: Corpus): void {
  const SYN = { collections: 'syn-a,syn-b' };
  const inSyn = (where: ItemPredicate): ItemPredicate => (i) => isSynthetic(i) && where(i);
  const cases: FilterCase[] = [
    // Comparisons
    { name: 'number <', text: 'score < 25', json: { op: '<', args: [p('score'), 25] }, where: (i) => lt(num(i, 'score'), 25) },
    { name: 'integer range', text: 'count >= 500 AND count < 700', where: (i) => (num(i, 'count') ?? -1) >= 500 && lt(num(i, 'count'), 700) },
    { name: 'property with a colon', text: 'eo:cloud_cover <= 10', where: (i) => (num(i, 'eo:cloud_cover') ?? Infinity) <= 10 },
    { name: 'string =', text: "platform = 'landsat-8'", json: { op: '=', args: [p('platform'), 'landsat-8'] }, where: (i) => str(i, 'platform') === 'landsat-8' },
    { name: 'string <>', text: "platform <> 'landsat-8'", params: SYN, where: inSyn((i) => str(i, 'platform') !== 'landsat-8') },
    { name: 'string order', text: "city >= 'M'", where: (i) => (str(i, 'city') ?? '') >= 'M' },
    { name: 'string = is case- and accent-sensitive', text: "city = 'Zürich'", where: (i) => str(i, 'city') === 'Zürich' },
    // A literal of another type never matches (SQLite alone would order every number before every string).
    { name: 'number property against a string and a number', text: "score < '999' OR city > 0", where: () => false, degenerate: true },
    { name: 'boolean', text: 'flagged = true', json: { op: '=', args: [p('flagged'), true] }, where: (i) => prop(i, 'flagged') === true },
    {
      name: 'timestamp', text: "created > TIMESTAMP('2021-06-01T00:00:00Z')",
      json: { op: '>', args: [p('created'), { timestamp: '2021-06-01T00:00:00Z' }] },
      where: (i) => (timeOf(i, 'created') ?? -Infinity) > ms('2021-06-01T00:00:00Z')!,
    },
    { name: 'date', text: "created < DATE('2020-03-01')", where: (i) => (timeOf(i, 'created') ?? Infinity) < ms('2020-03-01T00:00:00Z')! },
    {
      name: 'datetime of items with an instant', text: "datetime >= TIMESTAMP('2023-01-01T00:00:00Z') AND start_datetime IS NULL",
      where: (i) => (timeOf(i, 'datetime') ?? -Infinity) >= ms('2023-01-01T00:00:00Z')! && prop(i, 'start_datetime') === undefined,
    },
    // Logic
    {
      name: 'and / or / not', params: SYN,
      text: "(platform = 'sentinel-2a' OR platform = 'landsat-9') AND NOT (city = 'Paris' OR flagged = true)",
      json: {
        op: 'and', args: [
          { op: 'or', args: [{ op: '=', args: [p('platform'), 'sentinel-2a'] }, { op: '=', args: [p('platform'), 'landsat-9'] }] },
          { op: 'not', args: [{ op: 'or', args: [{ op: '=', args: [p('city'), 'Paris'] }, { op: '=', args: [p('flagged'), true] }] }] },
        ],
      },
      where: inSyn((i) => ['sentinel-2a', 'landsat-9'].includes(str(i, 'platform')!) && !(str(i, 'city') === 'Paris' || prop(i, 'flagged') === true)),
    },
    // like, between, in, null
    { name: 'like is case-sensitive', text: "city LIKE 'Z%'", json: { op: 'like', args: [p('city'), 'Z%'] }, where: (i) => (str(i, 'city') ?? '').startsWith('Z') },
    { name: 'like with _ and %', text: "platform LIKE 'landsat-_' AND title LIKE '%delta%'", where: (i) => /^landsat-.$/.test(str(i, 'platform') ?? '') && (str(i, 'title') ?? '').includes('delta') },
    { name: 'like with casei', text: "CASEI(city) LIKE casei('z%')", where: (i) => casefold(str(i, 'city') ?? '').startsWith('z') },
    { name: 'between', text: 'score BETWEEN 20 AND 40', json: { op: 'between', args: [p('score'), 20, 40] }, where: (i) => (num(i, 'score') ?? -1) >= 20 && (num(i, 'score') ?? 99) <= 40 },
    { name: 'between, early two-argument JSON', text: 'count BETWEEN 100 AND 150', json: { op: 'between', args: [p('count'), [100, 150]] }, where: (i) => (num(i, 'count') ?? -1) >= 100 && (num(i, 'count') ?? 999) <= 150 },
    { name: 'in', text: "city IN ('Köln', 'Berlin')", json: { op: 'in', args: [p('city'), ['Köln', 'Berlin']] }, where: (i) => ['Köln', 'Berlin'].includes(str(i, 'city') ?? '') },
    { name: 'in numbers', text: 'count IN (1, 2, 10, 20, 30, 40, 50)', where: (i) => [1, 2, 10, 20, 30, 40, 50].includes(num(i, 'count') ?? -1) },
    { name: 'is null (missing or null)', text: 'note IS NULL', json: { op: 'isNull', args: [p('note')] }, where: (i) => prop(i, 'note') === undefined },
    { name: 'is not null', text: 'note IS NOT NULL', where: (i) => prop(i, 'note') !== undefined },
    // casei / accenti
    { name: 'casei', text: "CASEI(city) = casei('ZÜRICH')", json: { op: '=', args: [{ op: 'casei', args: [p('city')] }, { op: 'casei', args: ['ZÜRICH'] }] }, where: (i) => casefold(str(i, 'city') ?? '') === 'zürich' },
    { name: 'accenti', text: "ACCENTI(city) = accenti('Sao Paulo')", where: (i) => unaccent(str(i, 'city') ?? '') === 'Sao Paulo' },
    { name: 'casei and accenti', text: "CASEI(ACCENTI(city)) = casei(accenti('ZURICH'))", where: (i) => casefold(unaccent(str(i, 'city') ?? '')) === 'zurich' },
    // property vs property, arithmetic
    { name: 'property-property', text: 'score < threshold', json: { op: '<', args: [p('score'), p('threshold')] }, where: (i) => num(i, 'score') !== undefined && num(i, 'score')! < num(i, 'threshold')! },
    { name: 'arithmetic + *', text: 'count * 2 + score > 1500', where: (i) => num(i, 'score') !== undefined && num(i, 'count')! * 2 + num(i, 'score')! > 1500 },
    { name: 'arithmetic / -', text: 'count / 4 - threshold > 100', where: (i) => num(i, 'count') !== undefined && num(i, 'count')! / 4 - num(i, 'threshold')! > 100 },
    // Spatial functions
    {
      name: 's_intersects polygon', text: 'S_INTERSECTS(geometry, POLYGON((5 45, 15 42, 20 50, 8 52, 5 45)))',
      json: { op: 's_intersects', args: [p('geometry'), { type: 'Polygon', coordinates: [[[5, 45], [15, 42], [20, 50], [8, 52], [5, 45]]] }] },
      where: (i) => spatial(i, (g) => intersects(g, { type: 'Polygon', coordinates: [[[5, 45], [15, 42], [20, 50], [8, 52], [5, 45]]] })),
    },
    { name: 's_intersects bbox', text: 'S_INTERSECTS(geometry, BBOX(-110, 35, -90, 45))', where: (i) => spatial(i, (g) => intersects(g, box(-110, 35, -90, 45))) },
    { name: 's_within', text: 'S_WITHIN(geometry, BBOX(0, 40, 20, 55))', json: { op: 's_within', args: [p('geometry'), { bbox: [0, 40, 20, 55] }] }, where: (i) => spatial(i, (g) => withinBox(g, [0, 40, 20, 55])) },
    { name: 's_contains', text: 'S_CONTAINS(geometry, POINT(12 47))', where: (i) => spatial(i, (g) => containsPoint(g, [12, 47])) },
    { name: 's_contains a real footprint', text: 'S_CONTAINS(geometry, POINT(-105 40))', where: (i) => spatial(i, (g) => containsPoint(g, [-105, 40])) },
    { name: 's_disjoint', text: 'S_DISJOINT(geometry, BBOX(-20, 30, 40, 70))', where: (i) => spatial(i, (g) => !intersects(g, box(-20, 30, 40, 70))) },
    // Temporal functions: an item's time is its [start, end] range, or its instant.
    {
      name: 't_intersects', text: "T_INTERSECTS(datetime, INTERVAL('2021-03-01T00:00:00Z', '2021-05-01T00:00:00Z'))",
      json: { op: 't_intersects', args: [p('datetime'), { interval: ['2021-03-01T00:00:00Z', '2021-05-01T00:00:00Z'] }] },
      where: (i) => overlaps(itemInterval(i), [ms('2021-03-01T00:00:00Z')!, ms('2021-05-01T00:00:00Z')!]),
    },
    { name: 't_intersects open interval', text: "T_INTERSECTS(datetime, INTERVAL('2023-10-01T00:00:00Z', '..'))", where: (i) => itemInterval(i)[1] >= ms('2023-10-01T00:00:00Z')! },
    { name: 't_before', text: "T_BEFORE(datetime, TIMESTAMP('2020-06-01T00:00:00Z'))", where: (i) => itemInterval(i)[1] < ms('2020-06-01T00:00:00Z')! },
    { name: 't_after', text: "T_AFTER(datetime, INTERVAL('2020-01-01T00:00:00Z', '2023-06-30T00:00:00Z'))", where: (i) => itemInterval(i)[0] > ms('2023-06-30T00:00:00Z')! },
    {
      name: 't_disjoint', text: "T_DISJOINT(datetime, INTERVAL('2021-03-01T00:00:00Z', '2022-05-01T00:00:00Z'))",
      where: (i) => itemInterval(i)[1] < ms('2021-03-01T00:00:00Z')! || itemInterval(i)[0] > ms('2022-05-01T00:00:00Z')!,
    },
    {
      name: 't_during', text: "T_DURING(datetime, INTERVAL('2022-01-01T00:00:00Z', '2022-12-31T23:59:59Z'))",
      json: { op: 't_during', args: [p('datetime'), { interval: ['2022-01-01T00:00:00Z', '2022-12-31T23:59:59Z'] }] },
      where: (i) => itemInterval(i)[0] > ms('2022-01-01T00:00:00Z')! && itemInterval(i)[1] < ms('2022-12-31T23:59:59Z')!,
    },
    { name: 't_after on another property', text: "T_AFTER(created, TIMESTAMP('2023-01-01T00:00:00Z'))", where: (i) => (timeOf(i, 'created') ?? -Infinity) > ms('2023-01-01T00:00:00Z')! },
    // Array functions (the synthetic arrays are sorted sets, so order-sensitive and set semantics agree)
    { name: 'a_contains', text: "A_CONTAINS(tags, ('forest', 'water'))", json: { op: 'a_contains', args: [p('tags'), ['forest', 'water']] }, where: (i) => ['forest', 'water'].every((t) => list(i, 'tags')?.includes(t)) },
    { name: 'a_overlaps', text: "A_OVERLAPS(tags, ('snow', 'urban'))", where: (i) => ['snow', 'urban'].some((t) => list(i, 'tags')?.includes(t)) },
    { name: 'a_containedBy', text: "A_CONTAINEDBY(tags, ('cloud', 'forest', 'water'))", where: (i) => list(i, 'tags') !== undefined && list(i, 'tags')!.every((t) => ['cloud', 'forest', 'water'].includes(t as string)) },
    { name: 'a_equals', text: "A_EQUALS(tags, ('forest', 'water'))", json: { op: 'a_equals', args: [p('tags'), ['forest', 'water']] }, where: (i) => JSON.stringify(list(i, 'tags')) === '["forest","water"]' },
    { name: 'a_overlaps on a real array', text: "A_OVERLAPS(instruments, ('msi'))", where: (i) => list(i, 'instruments')?.includes('msi') === true },
  ];

  describe('filter (CQL2 text and JSON)', () => {
    for (const c of cases) {
      test(c.name, async () => {
        const index = getIndex();
        await expectItems(index, corpus, { ...c.params, filter: c.text }, 'GET', c.where, { label: `${c.name}: cql2-text ${c.text}`, degenerate: c.degenerate });
        if (c.json !== undefined) {
          await expectItems(index, corpus, { ...c.params, filter: c.json, 'filter-lang': 'cql2-json' }, 'POST', c.where, { label: `${c.name}: cql2-json` });
        }
      });
    }

    test('CQL2 JSON in a GET query string', async () => {
      const json = { op: 'and', args: [{ op: '<', args: [p('score'), 50] }, { op: '=', args: [p('platform'), 'sentinel-2b'] }] };
      await expectItems(getIndex(), corpus, { filter: JSON.stringify(json), 'filter-lang': 'cql2-json' }, 'GET',
        (i) => lt(num(i, 'score'), 50) && str(i, 'platform') === 'sentinel-2b');
    });

    test('a filter on a property no item has matches nothing', async () => {
      await expectItems(getIndex(), corpus, { filter: 'no_such_property > 3' }, 'GET', () => false, { degenerate: true });
      await expectItems(getIndex(), corpus, { filter: "no_such_property = 'x'" }, 'GET', () => false, { degenerate: true });
    });
  });

  describe('query extension', () => {
    const queries: [string, Params, ItemPredicate][] = [
      ['lt', { query: { 'eo:cloud_cover': { lt: 10 } } }, (i) => lt(num(i, 'eo:cloud_cover'), 10)],
      ['gte with a numeric string', { query: { 'eo:cloud_cover': { gte: '50' } } }, (i) => (num(i, 'eo:cloud_cover') ?? -1) >= 50],
      ['two operators and two properties', { query: { score: { gt: 10, lt: 30 }, flagged: { eq: true } } }, (i) => (num(i, 'score') ?? -1) > 10 && lt(num(i, 'score'), 30) && prop(i, 'flagged') === true],
      ['eq string', { query: { platform: { eq: 'landsat-8' } } }, (i) => str(i, 'platform') === 'landsat-8'],
      ['neq', { ...SYN, query: { platform: { neq: 'landsat-8' } } }, inSyn((i) => str(i, 'platform') !== 'landsat-8')],
      ['startsWith', { query: { city: { startsWith: 'Z' } } }, (i) => (str(i, 'city') ?? '').startsWith('Z')],
      ['endsWith', { query: { city: { endsWith: 'lin' } } }, (i) => (str(i, 'city') ?? '').endsWith('lin')],
      ['contains', { query: { city: { contains: 'Paul' } } }, (i) => (str(i, 'city') ?? '').includes('Paul')],
      ['in', { query: { city: { in: ['Paris', 'Köln'] } } }, (i) => ['Paris', 'Köln'].includes(str(i, 'city') ?? '')],
      ['in on an array property', { query: { tags: { in: ['snow'] } } }, (i) => list(i, 'tags')?.includes('snow') === true],
    ];
    for (const [label, params, where] of queries) {
      test(label, async () => {
        await expectItems(getIndex(), corpus, params, 'POST', where);
        await expectItems(getIndex(), corpus, { ...params, query: JSON.stringify(params.query) }, 'GET', where);
      });
    }

    test('query and filter together', async () => {
      await expectItems(getIndex(), corpus, { query: { 'eo:cloud_cover': { lt: 30 } }, filter: "city LIKE 'B%'" }, 'GET',
        (i) => lt(num(i, 'eo:cloud_cover'), 30) && (str(i, 'city') ?? '').startsWith('B'));
    });
  });
}

// ------------------------------------------------------------------ free text

function freeTextCases(getIndex: () => CatalogIndex, corpus: Corpus): void {
  describe('free text (q)', () => {
    const cases: [string, Params, SearchMethod][] = [
      ['one word', { q: 'volcano' }, 'GET'],
      ['basic: comma list is OR', { q: 'volcano,harbour' }, 'GET'],
      ['basic: POST array, a term may be a phrase', { q: ['quarry', 'river delta'] }, 'POST'],
      ['case-insensitive', { q: 'VOLCANO' }, 'GET'],
      ['accent-insensitive both ways', { q: 'zurich' }, 'GET'],
      ['accents in the query', { q: 'São Paulo' }, 'GET'],
      ['accented upper-case query', { q: 'MONTRÉAL' }, 'GET'],
      ['keywords', { q: 'wildfire' }, 'GET'],
      ['platform', { q: 'landsat' }, 'GET'],
      ['instrument and constellation of real items', { q: 'msi' }, 'GET'],
      ['advanced: quoted phrase keeps word order', { q: '"river delta"' }, 'GET'],
      ['advanced: phrase minus a word', { q: '"delta river" -summer' }, 'GET'],
      ['advanced: required words', { q: '+glacier +zurich' }, 'GET'],
      ['advanced: AND / OR with parentheses', { q: '(volcano OR quarry) AND winter' }, 'GET'],
      ['advanced: excluded keyword', { q: 'vineyard -flood' }, 'POST'],
      ['title of a real item', { q: '"core item"' }, 'GET'],
      ['operator characters are plain text', { q: 'harbour*' }, 'GET'],
    ];
    for (const [label, params, method] of cases) {
      test(label, async () => {
        const q = itemSearch(params, method).q as FreeText;
        await expectItems(getIndex(), corpus, params, method, (i) => matchesFreeText(q, itemTextFields(i)), { label: `${label}: ${JSON.stringify(params.q)}` });
      });
    }

    test('a word in no item finds nothing', async () => {
      await expectItems(getIndex(), corpus, { q: 'xylophone' }, 'GET', () => false, { degenerate: true });
    });
  });
}

// ------------------------------------------------------------------ sort and paging

function sortAndPageCases(getIndex: () => CatalogIndex, corpus: Corpus): void {
  const items = corpus.items;
  describe('sortby', () => {
    const cases: [string, Params, SearchMethod][] = [
      ['datetime ascending', { sortby: '+datetime' }, 'GET'],
      ['datetime descending', { sortby: '-datetime' }, 'GET'],
      ['number ascending, missing last', { sortby: 'score' }, 'GET'],
      ['number descending, missing last', { sortby: [{ field: 'score', direction: 'desc' }] }, 'POST'],
      ['string ascending (accents, case)', { sortby: 'city' }, 'GET'],
      ['string descending', { sortby: '-properties.city' }, 'GET'],
      ['property with a colon', { sortby: '-eo:cloud_cover' }, 'GET'],
      ['multi-key: string then number', { sortby: [{ field: 'platform', direction: 'asc' }, { field: 'score', direction: 'desc' }] }, 'POST'],
      ['multi-key: string descending then datetime', { sortby: '-city,+datetime' }, 'GET'],
      ['id', { sortby: 'id' }, 'GET'],
    ];
    for (const [label, params, method] of cases) {
      test(label, async () => {
        const search = itemSearch(params, method);
        const page = await expectItems(getIndex(), corpus, params, method, () => true, { degenerate: true, label });
        assertOrdered(page.features, compareBy(itemSortValue, search.sortby), keyOf, label);
        const field = search.sortby[0].field;
        if (field !== 'datetime' && field !== 'id') {
          const missing = page.features.findIndex((f) => itemSortValue(f, field) === undefined);
          assert.ok(missing > 0, `${label}: some items lack ${field}, and come after the others`);
          assert.ok(page.features.slice(missing).every((f) => itemSortValue(f, field) === undefined), `${label}: missing values last`);
        }
        const again = await getIndex().searchItems(search);
        assert.deepEqual(keysOf(again.features), keysOf(page.features), `${label}: the order is stable`);
      });
    }

    test('sortby with a filter', async () => {
      const params = { filter: "platform = 'landsat-9'", sortby: '-score' };
      const page = await expectItems(getIndex(), corpus, params, 'GET', (i) => str(i, 'platform') === 'landsat-9');
      assertOrdered(page.features, compareBy(itemSortValue, [{ field: 'score', direction: 'desc' }]), keyOf, 'filtered sort');
    });
  });

  describe('paging', () => {
    const synthetic = items.filter(isSynthetic);
    const pagingCases: [string, Params, SearchMethod, ItemPredicate][] = [
      ['default order (datetime descending)', { collections: 'syn-a,syn-b' }, 'GET', isSynthetic],
      ['datetime ascending over everything', { sortby: '+datetime' }, 'GET', () => true],
      ['a number with missing values', { sortby: [{ field: 'score', direction: 'asc' }], collections: ['syn-a', 'syn-b'] }, 'POST', isSynthetic],
      ['a string with many ties', { sortby: '-platform', collections: 'syn-a,syn-b' }, 'GET', isSynthetic],
      ['two keys with a filter', {
        sortby: [{ field: 'city', direction: 'asc' }, { field: 'eo:cloud_cover', direction: 'desc' }],
        filter: 'count < 800', 'filter-lang': 'cql2-text',
      }, 'POST', (i) => lt(num(i, 'count'), 800)],
    ];
    for (const [label, params, method, where] of pagingCases) {
      test(`limit 7, next to the end and prev back: ${label}`, async () => {
        const index = getIndex();
        const sortby = itemSearch(params, method).sortby;
        const limit = method === 'GET' ? '7' : 7;
        await checkPaging({
          label,
          limit: 7,
          expected: items.filter(where),
          idOf: keyOf,
          compare: compareBy(itemSortValue, sortby),
          run: (token) => index.searchItems(itemSearch({ ...params, limit, ...(token === undefined ? {} : { token }) }, method)),
        });
      });
    }

    test('a limit above the number of matches gives one page without links', async () => {
      const page = await getIndex().searchItems(itemSearch({ collections: ['syn-b'], limit: 1000 }));
      assert.equal(page.features.length, synthetic.filter((i) => i.collection === 'syn-b').length);
      assert.equal(page.next, undefined);
      assert.equal(page.prev, undefined);
    });

    test('a token from another sortby, or not from this index, is a ValidationError', async () => {
      const index = getIndex();
      const first = await index.searchItems(itemSearch({ limit: 7, sortby: '-datetime' }));
      assert.ok(first.next);
      await assert.rejects(index.searchItems(itemSearch({ limit: 7, sortby: 'score', token: first.next })), ValidationError);
      await assert.rejects(index.searchItems(itemSearch({ limit: 7, sortby: '+datetime', token: first.next })), ValidationError);
      await assert.rejects(index.searchItems(itemSearch({ limit: 7, sortby: '-datetime,city', token: first.next })), ValidationError);
      await assert.rejects(index.searchItems(itemSearch({ limit: 7, token: 'not-a-token' })), ValidationError);
      await assert.rejects(index.searchItems(itemSearch({ limit: 7, token: Buffer.from('["x"]').toString('base64url') })), ValidationError);
      const collections = await index.searchCollections(collectionSearch({ limit: 3 }));
      assert.ok(collections.next);
      await assert.rejects(index.searchCollections(collectionSearch({ limit: 3, sortby: '-title', token: collections.next })), ValidationError);
    });
  });
}

// ------------------------------------------------------------------ collection search

function collectionSearchCases(getIndex: () => CatalogIndex, corpus: Corpus): void {
  describe('collection search', () => {
    const extentBox = (c: StacCollection) => boxGeometry(c.extent.spatial.bbox[0]);

    test('everything, by id by default', async () => {
      const page = await getIndex().searchCollections(collectionSearch({}));
      assert.deepEqual(page.features.map((c) => c.id), corpus.collections.map((c) => c.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      assert.equal(page.numberMatched, corpus.collections.length);
    });

    test('bbox, including one crossing the antimeridian', async () => {
      for (const bbox of [[0, 40, 20, 50], [-100, 30, -90, 40], [170, -20, -170, -10], [179.8, -15, 179.9, -14]]) {
        await expectCollections(getIndex(), corpus, { bbox: bbox.join(',') }, 'GET', (c) => intersects(extentBox(c), boxGeometry(bbox)));
      }
    });

    test('datetime: instant, interval, open ends', async () => {
      for (const datetime of ['2019-06-01T00:00:00Z', '2000-02-05T00:00:00Z/2003-01-01T00:00:00Z', '../2012-06-01T00:00:00Z', '2023-07-01T00:00:00Z/..']) {
        const [a, b] = datetime.includes('/') ? datetime.split('/') : [datetime, datetime];
        const range: [number, number] = [a === '..' ? -Infinity : ms(a)!, b === '..' ? Infinity : ms(b)!];
        await expectCollections(getIndex(), corpus, { datetime }, 'GET', (c) => overlaps(collectionInterval(c), range));
      }
    });

    test('free text over title, description and keywords', async () => {
      for (const q of ['glacier', 'wildfire,reef', 'zurich', 'sao paulo', '"river delta"', '+glacier -alpine', 'sentinel']) {
        const parsed = collectionSearch({ q }, 'GET').q as FreeText;
        await expectCollections(getIndex(), corpus, { q }, 'GET', (c) => matchesFreeText(parsed, collectionTextFields(c)));
      }
    });

    test('filter', async () => {
      await expectCollections(getIndex(), corpus, { filter: "license = 'CC0-1.0'" }, 'GET', (c) => c.license === 'CC0-1.0');
      await expectCollections(getIndex(), corpus, { filter: "title LIKE '%glacier%' OR license = 'proprietary'" }, 'GET',
        (c) => (typeof c.title === 'string' && c.title.includes('glacier')) || c.license === 'proprietary');
      await expectCollections(getIndex(), corpus, { filter: 'S_INTERSECTS(geometry, BBOX(0, 40, 20, 50))' }, 'GET', (c) => intersects(extentBox(c), box(0, 40, 20, 50)));
      await expectCollections(getIndex(), corpus, { filter: { op: '=', args: [p('license'), 'proprietary'] }, 'filter-lang': 'cql2-json' }, 'POST', (c) => c.license === 'proprietary');
    });

    test('sortby, missing values last', async () => {
      for (const sortby of ['-id', 'title', '-title']) {
        const search = collectionSearch({ sortby }, 'GET');
        const page = await getIndex().searchCollections(search);
        assert.equal(page.numberMatched, corpus.collections.length);
        assertOrdered(page.features, compareBy(collectionSortValue, search.sortby), (c) => c.id, `collections sortby=${sortby}`);
      }
    });

    test('paging with limit 4 both ways', async () => {
      for (const [params, method] of [[{}, 'GET'], [{ sortby: 'title' }, 'GET'], [{ sortby: [{ field: 'license', direction: 'desc' }] }, 'POST']] as [Params, SearchMethod][]) {
        const sortby = collectionSearch(params, method).sortby;
        await checkPaging({
          label: `collections ${JSON.stringify(params)}`,
          limit: 4,
          expected: corpus.collections,
          idOf: (c) => c.id,
          compare: compareBy(collectionSortValue, sortby),
          run: (token) => getIndex().searchCollections(collectionSearch({ ...params, limit: method === 'GET' ? '4' : 4, ...(token ? { token } : {}) }, method)),
        });
      }
    });
  });
}

// ------------------------------------------------------------------ queryables and aggregation

function queryableAndAggregationCases(getIndex: () => CatalogIndex, corpus: Corpus): void {
  const items = corpus.items;
  /** What each property holds across some items: JS kinds of its non-null values, and whether all numbers are integers. */
  function observed(subset: StacItem[]): Map<string, { kinds: Set<string>; integers: boolean; dates: boolean }> {
    const out = new Map<string, { kinds: Set<string>; integers: boolean; dates: boolean }>();
    for (const it of subset) {
      for (const [name, value] of Object.entries(it.properties)) {
        if (value === null || value === undefined) continue;
        const entry = out.get(name) ?? { kinds: new Set<string>(), integers: true, dates: true };
        const kind = Array.isArray(value) ? 'array' : typeof value;
        entry.kinds.add(kind);
        if (kind === 'number' && !Number.isInteger(value)) entry.integers = false;
        if (kind !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value as string)) entry.dates = false;
        out.set(name, entry);
      }
    }
    return out;
  }

  const STANDARD_NAMES = new Set(['id', 'collection', 'geometry', 'datetime', 'bbox']);

  function checkQueryables(label: string, properties: Record<string, { type: string; format?: string }>, subset: StacItem[]): void {
    const seen = observed(subset);
    assert.ok(seen.size > 5);
    for (const [name, { kinds, integers, dates }] of seen) {
      const field = properties[name];
      assert.ok(field, `${label}: ${name} is queryable`);
      if (kinds.size !== 1) continue;
      const [kind] = kinds;
      const where = `${label}: ${name}`;
      if (kind === 'number') {
        if (integers) assert.ok(field.type === 'integer' || field.type === 'number', where);
        else assert.equal(field.type, 'number', `${where} holds non-integers`);
      } else if (kind === 'string') {
        assert.equal(field.type, 'string', where);
        if (dates) assert.equal(field.format, 'date-time', where);
        else assert.equal(field.format, undefined, where);
      } else {
        assert.equal(field.type, kind, where);
      }
    }
    for (const name of Object.keys(properties)) {
      assert.ok(seen.has(name) || STANDARD_NAMES.has(name), `${label}: ${name} comes from the data`);
    }
  }

  describe('queryables', () => {
    test('per collection, derived from its items', async () => {
      for (const collection of ['syn-a', 'sentinel-2-c1-l2a', 'joplin']) {
        const { properties } = await getIndex().queryables(collection);
        checkQueryables(collection, properties, items.filter((i) => i.collection === collection));
      }
      const syn = (await getIndex().queryables('syn-a')).properties;
      assert.equal(syn.created.format, 'date-time');
      assert.equal(syn.tags.type, 'array');
      assert.equal(syn.flagged.type, 'boolean');
      assert.equal(syn.city.type, 'string');
      assert.ok(['integer', 'number'].includes(syn.count.type));
      assert.equal(syn.score.type, 'number');
      assert.ok(!('s2:tile_id' in syn), 'another collection’s property is not queryable here');
      const s2 = (await getIndex().queryables('sentinel-2-c1-l2a')).properties;
      assert.equal(s2['eo:cloud_cover'].type, 'number');
      assert.equal(s2['s2:tile_id'].type, 'string');
      assert.equal(s2['proj:centroid'].type, 'object');
      assert.ok(!('city' in s2));
    });

    test('global: the union over all collections', async () => {
      const { properties } = await getIndex().queryables();
      checkQueryables('all', properties, items);
      for (const name of ['city', 'tags', 's2:tile_id', 'eo:cloud_cover', 'io:tile_id', 'gsd', 'license']) assert.ok(name in properties, name);
    });
  });

  describe('aggregation', () => {
    const monthKey = (key: string) => {
      const m = /^(\d{4}-\d{2})/.exec(key);
      assert.ok(m, `a month bucket key starts with YYYY-MM: ${key}`);
      return m[1];
    };
    const yearKey = (key: string) => {
      const m = /^(\d{4})/.exec(key);
      assert.ok(m, `a year bucket key starts with YYYY: ${key}`);
      return m[1];
    };

    async function checkAggregation(params: Params, method: SearchMethod, where: ItemPredicate): Promise<void> {
      const search = itemSearch(params, method);
      const selected = items.filter(where);
      assert.ok(selected.length > 20, 'the aggregation covers enough items');
      const requests = [
        { name: 'total_count' }, { name: 'datetime_min' }, { name: 'datetime_max' }, { name: 'collection_frequency' },
        { name: 'datetime_frequency', interval: 'month' as const }, { name: 'city_frequency' }, { name: 'tags_frequency' }, { name: 'platform_frequency' },
      ];
      const { collections, ids, bbox, intersects: geometry, datetime, filter, q } = search;
      const results = await getIndex().aggregate({ collections, ids, bbox, intersects: geometry, datetime, filter, q }, requests);
      const byName = new Map(results.map((r) => [r.name, r]));
      assert.deepEqual([...byName.keys()].sort(), requests.map((r) => r.name).sort(), 'one result per request');

      assert.deepEqual(byName.get('total_count'), { name: 'total_count', data_type: 'integer', value: selected.length });
      const min = byName.get('datetime_min');
      const max = byName.get('datetime_max');
      assert.ok(min?.data_type === 'datetime' && typeof min.value === 'string');
      assert.ok(max?.data_type === 'datetime' && typeof max.value === 'string');
      assert.equal(ms(min.value), Math.min(...selected.map((i) => itemInterval(i)[0])), 'datetime_min: the earliest start');
      assert.equal(ms(max.value), Math.max(...selected.map((i) => itemInterval(i)[1])), 'datetime_max: the latest end');

      assert.deepEqual(asSorted(bucketMap(byName.get('collection_frequency'))), asSorted(countBy(selected, (i) => i.collection)));
      assert.deepEqual(asSorted(bucketMap(byName.get('datetime_frequency'), monthKey)),
        asSorted(countBy(selected, (i) => new Date(itemSortTime(i)).toISOString().slice(0, 7))), 'datetime_frequency by month');
      assert.deepEqual(asSorted(bucketMap(byName.get('city_frequency'))), asSorted(countBy(selected, (i) => str(i, 'city'))));
      assert.deepEqual(asSorted(bucketMap(byName.get('tags_frequency'))), asSorted(countBy(selected, (i) => list(i, 'tags') as string[] | undefined)));
      assert.deepEqual(asSorted(bucketMap(byName.get('platform_frequency'))), asSorted(countBy(selected, (i) => str(i, 'platform'))));
      const frequencies = (byName.get('city_frequency') as { buckets: Bucket[] }).buckets.map((b) => b.frequency);
      assert.deepEqual(frequencies, [...frequencies].sort((a, b) => b - a), 'property buckets come most frequent first');
    }

    test('everything', async () => {
      await checkAggregation({}, 'GET', () => true);
    });

    test('with filters: collections, bbox, datetime, CQL2', async () => {
      await checkAggregation({ collections: ['syn-a', 'syn-b'], bbox: [0, 40, 30, 60], datetime: '2021-01-01T00:00:00Z/..', filter: 'count < 900' }, 'POST',
        (i) => isSynthetic(i) && spatial(i, (g) => intersects(g, box(0, 40, 30, 60))) && itemInterval(i)[1] >= ms('2021-01-01T00:00:00Z')! && lt(num(i, 'count'), 900));
      await checkAggregation({ q: 'volcano,glacier', query: { 'eo:cloud_cover': { lt: 70 } } }, 'POST',
        (i) => /volcano|glacier/i.test(str(i, 'title') ?? '') && lt(num(i, 'eo:cloud_cover'), 70));
    });

    test('datetime_frequency by year', async () => {
      const [result] = await getIndex().aggregate({ collections: ['syn-a', 'sentinel-2-c1-l2a', 'joplin'] }, [{ name: 'datetime_frequency', interval: 'year' }]);
      const subset = items.filter((i) => ['syn-a', 'sentinel-2-c1-l2a', 'joplin'].includes(i.collection as string));
      assert.deepEqual(asSorted(bucketMap(result, yearKey)), asSorted(countBy(subset, (i) => String(new Date(itemSortTime(i)).getUTCFullYear()))));
    });

    test('centroid_geotile_grid_frequency at several precisions', async () => {
      // Boxes and points only: for them every definition of a centroid agrees.
      const filter = "shape IN ('box', 'point')";
      const subset = items.filter((i) => ['box', 'point'].includes(str(i, 'shape') ?? ''));
      for (const precision of [0, 1, 2, 4]) {
        const [result] = await getIndex().aggregate(itemSearch({ filter }, 'GET'), [{ name: 'centroid_geotile_grid_frequency', precision }]);
        const expected = countBy(subset, (i) => {
          const [lon, lat] = envelopeCentre(i.geometry as Geometry);
          return geotile(lon, lat, precision);
        });
        assert.deepEqual(asSorted(bucketMap(result)), asSorted(expected), `precision ${precision}`);
      }
    });

    test('aggregations() lists the standard ones and per-property frequencies', async () => {
      for (const collection of [undefined, 'syn-a']) {
        const list = await getIndex().aggregations(collection);
        const byName = new Map(list.map((a) => [a.name, a.data_type]));
        assert.equal(byName.get('total_count'), 'integer');
        assert.equal(byName.get('datetime_min'), 'datetime');
        assert.equal(byName.get('datetime_max'), 'datetime');
        for (const name of ['collection_frequency', 'datetime_frequency', 'centroid_geotile_grid_frequency', 'city_frequency', 'tags_frequency', 'platform_frequency']) {
          assert.equal(byName.get(name), 'frequency_distribution', `${collection ?? 'all'}: ${name}`);
        }
        assert.equal(byName.has('s2:tile_id_frequency'), collection === undefined, 'per-property aggregations follow the collection');
      }
    });

    test('an unknown aggregation is a ValidationError', async () => {
      await assert.rejects(getIndex().aggregate({}, [{ name: 'no_such_aggregation' }]), ValidationError);
      await assert.rejects(getIndex().aggregate({}, [{ name: 'total_count' }, { name: 'no_such_property_frequency' }]), ValidationError);
    });
  });
}

