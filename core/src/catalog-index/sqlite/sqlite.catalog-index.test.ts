// The catalog index contract on the embedded SQLite adapter, each case on a fresh
// database file, plus what only a file-backed index promises: data survives a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StacItem } from '../../stac/stac-types.ts';
import { parseItemSearch } from '../../stac/search/search-request.ts';
import { catalogIndexContract } from '../catalog-index.contract.ts';
import { minimalCollection, syntheticCorpus, TAGS } from '../contract/corpus.ts';
import { SqliteCatalogIndex } from './sqlite.catalog-index.ts';

const dir = await mkdtemp(join(tmpdir(), 'meridian-sqlite-index-'));
let opened = 0;
const freshFile = () => join(dir, `catalog-${++opened}.sqlite`);

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

catalogIndexContract('sqlite', async () => new SqliteCatalogIndex(freshFile()));

// The same contract with every property of the synthetic corpus in a column of its
// own (strings, numbers, booleans, arrays, nulls and missing values under one name),
// and with every batch loaded on the bulk path: the oracle must agree all the same.
const CORPUS_PROPERTIES = ['score', 'count', 'threshold', 'city', 'platform', 'eo:cloud_cover', 'flagged', 'tags', 'note', 'shape', 'created', 'title', 'license'];
catalogIndexContract('sqlite, corpus properties indexed, bulk loads',
  async () => new SqliteCatalogIndex(freshFile(), { indexedProperties: CORPUS_PROPERTIES, bulkLoadMinItems: 1 }));

test('sqlite: data written before close is there after reopening the same file', async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const first = new SqliteCatalogIndex(file);
  try {
    assert.equal((await first.upsertCollections(collections)).written, collections.length);
    assert.equal((await first.upsertItems(items)).written, items.length);
    assert.equal((await first.deleteItems([{ collection: 'syn-a', id: 'syn-000' }])).written, 1);
  } finally {
    await first.close();
  }

  const second = new SqliteCatalogIndex(file);
  try {
    for (const c of collections) assert.deepEqual(await second.getCollection(c.id), c);
    const kept = items.filter((i) => !(i.collection === 'syn-a' && i.id === 'syn-000'));
    assert.deepEqual(await second.getItem({ collection: 'syn-a', id: 'syn-001' }), items.find((i) => i.id === 'syn-001'));
    assert.equal(await second.getItem({ collection: 'syn-a', id: 'syn-000' }), undefined, 'a delete survives too');
    const limits = { limit: 1000, sortby: [{ field: 'datetime', direction: 'desc' as const }] };
    const all = await second.searchItems(limits);
    assert.equal(all.numberMatched, kept.length);
    // The spatial and text indexes are persisted with the rows.
    const boxed = await second.searchItems({ ...limits, bbox: [0, 40, 30, 60] });
    assert.ok(boxed.numberMatched > 0 && boxed.numberMatched < kept.length);
    const text = await second.searchItems({ ...limits, q: { kind: 'term', text: 'volcano' } });
    assert.equal(text.numberMatched, kept.filter((i) => /volcano/i.test(String(i.properties.title))).length);
    const { properties } = await second.queryables('syn-a');
    assert.equal(properties.created?.format, 'date-time');
    // Writes after reopening still work, and new properties become queryable.
    const extra = { ...kept[0], id: 'after-restart', properties: { ...kept[0].properties, new_field: 'x' } };
    assert.equal((await second.upsertItems([extra])).written, 1);
    assert.ok('new_field' in (await second.queryables(extra.collection)).properties);
  } finally {
    await second.close();
  }
});

test('a catalog file of schema version 1 is migrated in place: its collections become public ones', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'meridian-sqlite-v1-')), 'catalog.sqlite');
  const v1 = new DatabaseSync(file);
  v1.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('schema_version', '1');
    CREATE TABLE collections (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, geometry TEXT,
      minx REAL, miny REAL, maxx REAL, maxy REAL, dt_start REAL NOT NULL, dt_end REAL NOT NULL);`);
  const doc = { type: 'Collection', id: 'old', description: 'from v1', license: 'CC-BY-4.0', extent: { spatial: { bbox: [[0, 0, 1, 1]] }, temporal: { interval: [[null, null]] } } };
  v1.prepare('INSERT INTO collections (id, doc, dt_start, dt_end) VALUES (?, ?, ?, ?)').run('old', JSON.stringify(doc), -8.64e15, 8.64e15);
  v1.close();
  const index = new SqliteCatalogIndex(file);
  try {
    assert.equal(await index.collectionRepository('old'), null);
    const none = { accounts: [], repositories: [] };
    const page = await index.searchCollections({ sortby: [{ field: 'id', direction: 'asc' }], limit: 10, visibility: { all: false, owner: none, writer: none, reader: none } });
    assert.deepEqual(page.features.map((c) => c.id), ['old']);
  } finally {
    await index.close();
  }
  const reopened = new DatabaseSync(file);
  assert.deepEqual({ ...reopened.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() }, { value: '4' });
  reopened.close();
});


const indexNames = (file: string) => {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};
const ITEM_INDEXES = ['items_by_collection', 'items_by_datetime'];
const search = (params: Record<string, unknown>) => parseItemSearch({ limit: 1000, ...params }, 'POST', { defaultLimit: 10, maxLimit: 10_000 }).search;

test('a bulk load drops the item indexes with its rows and the next read builds them; searches in between stay right', async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const loader = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  // Another connection to the same file, as another process serving searches during the load.
  const reader = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  try {
    await loader.upsertCollections(collections);
    assert.deepEqual(await loader.upsertItems(items.slice(0, 10)), { written: 10, errors: [] });
    assert.deepEqual(indexNames(file), ITEM_INDEXES, 'a small batch keeps the indexes up to date');
    assert.deepEqual(await loader.upsertItems(items.slice(10, 200)), { written: 190, errors: [] });
    assert.deepEqual(indexNames(file), [], 'a batch of 50 or more, at least a fifth of the table, is a bulk load');
    assert.deepEqual(await loader.upsertItems(items.slice(200)), { written: items.length - 200, errors: [] }, 'later batches write no index');
    assert.deepEqual(indexNames(file), []);

    const expected = (where: (item: StacItem) => boolean) => items.filter(where).map((i) => `${i.collection}/${i.id}`).sort();
    const found = (page: { features: StacItem[] }) => page.features.map((i) => `${i.collection}/${i.id}`).sort();
    const filter = { filter: "platform = 'landsat-8' AND score < 50", 'filter-lang': 'cql2-text', collections: ['syn-a'] };
    const filtered = (i: StacItem) => i.collection === 'syn-a' && i.properties.platform === 'landsat-8' && typeof i.properties.score === 'number' && i.properties.score < 50;
    // While a load holds the write lock, a search does not wait to build the indexes: it runs without them.
    const writer = new DatabaseSync(file);
    writer.exec('BEGIN IMMEDIATE');
    try {
      const during = await reader.searchItems(search(filter));
      assert.deepEqual(found(during), expected(filtered), 'a search of another connection, without the indexes, is right');
      assert.equal(during.numberMatched, expected(filtered).length);
      const boxed = await reader.searchItems(search({ bbox: [0, 40, 30, 60] }));
      assert.equal(boxed.numberMatched, items.filter((i) => i.bbox && i.bbox[0] <= 30 && i.bbox[2] >= 0 && i.bbox[1] <= 60 && i.bbox[3] >= 40).length);
      assert.deepEqual(indexNames(file), []);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }

    const after = await reader.searchItems(search(filter));
    assert.deepEqual(indexNames(file), ITEM_INDEXES, 'the next read, of any connection, builds them again');
    assert.deepEqual(found(after), expected(filtered));
    assert.deepEqual(found(await loader.searchItems(search(filter))), expected(filtered), 'and the loading connection sees them too');
    // Replacing items on the bulk path replaces them, their boxes and their text.
    // 55 items: above the minimum of 50, under a fifth of the 302 stored.
    const moved = items.slice(0, 55).map((i) => ({ ...i, properties: { ...i.properties, title: 'relocated survey', platform: 'moved-platform' } }));
    assert.deepEqual(await loader.upsertItems(moved), { written: 55, errors: [] });
    assert.deepEqual(indexNames(file), ITEM_INDEXES, 'a batch under a fifth of the table updates the indexes');
    assert.equal((await loader.searchItems(search({ q: 'relocated' }))).numberMatched, 55);
    assert.equal((await loader.searchItems(search({ filter: "platform = 'moved-platform'", 'filter-lang': 'cql2-text' }))).numberMatched, 55);
    assert.equal((await loader.searchItems(search({}))).numberMatched, items.length);
  } finally {
    await reader.close();
    await loader.close();
  }
});

test('batches written by the write worker reach the database file while the index stays open (the checkpoint worker copies them)', { timeout: 60_000 }, async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const index = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  try {
    await index.upsertCollections(collections);
    const before = statSync(file).size;
    assert.equal((await index.upsertItems(items)).written, items.length);
    // The write worker's connection never checkpoints; without the checkpoint worker
    // the rows would stay in the write-ahead log, and the file at its size, until close.
    while (statSync(file).size === before) await new Promise((resolve) => setTimeout(resolve, 20));
    const reader = new DatabaseSync(file, { readOnly: true });
    try {
      assert.equal((reader.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, items.length);
    } finally {
      reader.close();
    }
  } finally {
    await index.close();
  }
});

test('datetime searches find items whose interval reaches far from their datetime, also after a migration that computes the reach', async () => {
  const file = freshFile();
  const item = (id: string, properties: Record<string, unknown>): StacItem => ({
    type: 'Feature', stac_version: '1.0.0', id, collection: 'reach', bbox: [10, 40, 11, 41],
    geometry: { type: 'Polygon', coordinates: [[[10, 40], [11, 40], [11, 41], [10, 41], [10, 40]]] }, properties, links: [], assets: {},
  });
  const instants = Array.from({ length: 60 }, (_, i) => item(`instant-${i}`, { datetime: `20${String(10 + (i % 10)).padStart(2, '0')}-06-01T00:00:00Z` }));
  // Sorted by its start, 2000, twenty years before the window searched below.
  const decade = item('two-decades', { datetime: null, start_datetime: '2000-01-01T00:00:00Z', end_datetime: '2020-12-31T00:00:00Z' });
  // Its datetime, the sort key, lies after its interval.
  const late = item('late-datetime', { datetime: '2030-01-01T00:00:00Z', start_datetime: '2014-01-01T00:00:00Z', end_datetime: '2014-12-31T00:00:00Z' });
  const window = { datetime: '2014-03-01T00:00:00Z/2014-03-31T00:00:00Z' };
  const ids = (page: { features: StacItem[] }) => page.features.map((f) => f.id).sort();
  let index = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  try {
    await index.upsertCollections([minimalCollection('reach', [-180, -90, 180, 90], ['2000-01-01T00:00:00Z', null])]);
    assert.equal((await index.upsertItems(instants)).written, instants.length);
    assert.deepEqual(ids(await index.searchItems(search(window))), [], 'no instant lies in March 2014');
    // Small batches: written on this thread, each raising the reach in its own transaction.
    assert.equal((await index.upsertItems([decade])).written, 1);
    assert.equal((await index.upsertItems([late])).written, 1);
    assert.deepEqual(ids(await index.searchItems(search(window))), ['late-datetime', 'two-decades']);
    assert.equal((await index.searchItems(search({ datetime: '2001-01-01T00:00:00Z/2001-01-02T00:00:00Z' }))).numberMatched, 1);
  } finally {
    await index.close();
  }
  // A file written before the reach was kept (schema version 3): the next open computes it.
  const raw = new DatabaseSync(file);
  raw.exec("DELETE FROM meta WHERE key = 'datetime_reach'; UPDATE meta SET value = '3' WHERE key = 'schema_version'");
  raw.close();
  index = new SqliteCatalogIndex(file);
  try {
    assert.deepEqual(ids(await index.searchItems(search(window))), ['late-datetime', 'two-decades']);
  } finally {
    await index.close();
  }
});

test('a bulk load cut short keeps the catalog right: the next open builds the dropped indexes', async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const crashed = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  await crashed.upsertCollections(collections);
  assert.equal((await crashed.upsertItems(items)).written, items.length);
  assert.deepEqual(indexNames(file), [], 'the process stops before any read or close builds the indexes');
  const reopened = new SqliteCatalogIndex(file);
  try {
    assert.deepEqual(indexNames(file), ITEM_INDEXES);
    const page = await reopened.searchItems(search({ collections: ['syn-b'], filter: 'count < 500', 'filter-lang': 'cql2-text' }));
    assert.equal(page.numberMatched, items.filter((i) => i.collection === 'syn-b' && (i.properties.count as number) < 500).length);
  } finally {
    await reopened.close();
    // The first connection is closed last, as the process that crashed would never close it.
    await crashed.close();
  }
});

test('changing the indexed properties takes effect at the next open, with the same answers', async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const filter = { filter: "city IN ('Köln', 'Berlin') AND threshold > 30", 'filter-lang': 'cql2-text' };
  const count = (i: StacItem) => ['Köln', 'Berlin'].includes(i.properties.city as string) && (i.properties.threshold as number) > 30;
  const first = new SqliteCatalogIndex(file, { indexedProperties: ['platform'] });
  await first.upsertCollections(collections);
  await first.upsertItems(items);
  assert.equal((await first.searchItems(search(filter))).numberMatched, items.filter(count).length);
  await first.close();
  const second = new SqliteCatalogIndex(file, { indexedProperties: ['city', 'threshold'] });
  try {
    const db = new DatabaseSync(file, { readOnly: true });
    const columns = (db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name).filter((c) => c.startsWith('prop:'));
    const covering = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'items_by_collection'").get() as { sql: string }).sql;
    db.close();
    assert.deepEqual(columns, ['prop:city', 'prop:threshold']);
    assert.match(covering, /"prop:city", "prop:threshold", dt_start, dt_end\)$/);
    assert.equal((await second.searchItems(search(filter))).numberMatched, items.filter(count).length);
    assert.throws(() => new SqliteCatalogIndex(file, { indexedProperties: ['bad"name'] }), /not a property name/);
  } finally {
    await second.close();
  }
});

test('a catalog file of schema version 2 is migrated in place: documents move out of the item rows, properties get columns', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'meridian-sqlite-v2-')), 'catalog.sqlite');
  const collection = minimalCollection('old', [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null]);
  const item: StacItem = {
    type: 'Feature', stac_version: '1.0.0', id: 'old-1', collection: 'old',
    geometry: { type: 'Polygon', coordinates: [[[10, 40], [11, 40], [11, 41], [10, 41], [10, 40]]] }, bbox: [10, 40, 11, 41],
    properties: { datetime: '2021-01-01T00:00:00Z', title: 'Vintage harbour', platform: 'landsat-8', 'eo:cloud_cover': 12.5, tags: TAGS.slice(0, 2) },
    links: [{ rel: 'self', href: 'https://example.org/old-1' }], assets: { data: { href: 'https://example.org/old-1.tif' } },
  };
  const v2 = new DatabaseSync(file);
  v2.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '2');
    CREATE TABLE collections (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, geometry TEXT, minx REAL, miny REAL, maxx REAL, maxy REAL,
      dt_start REAL NOT NULL, dt_end REAL NOT NULL, account TEXT, repository TEXT, visibility TEXT NOT NULL DEFAULT 'public',
      state TEXT NOT NULL DEFAULT 'published', disabled INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE items (rid INTEGER PRIMARY KEY, collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE, id TEXT NOT NULL,
      dt REAL NOT NULL, dt_start REAL NOT NULL, dt_end REAL NOT NULL, geometry TEXT, minx REAL, miny REAL, maxx REAL, maxy REAL,
      properties TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (collection, id));
    CREATE INDEX items_by_datetime ON items (dt, id, collection); CREATE INDEX items_by_id ON items (id, collection);
    CREATE INDEX items_by_collection ON items (collection, dt, id);
    CREATE VIRTUAL TABLE items_rtree USING rtree(id, minx, maxx, miny, maxy);
    CREATE VIRTUAL TABLE items_fts USING fts5(id, title, description, keywords, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');`);
  const t = Date.parse('2021-01-01T00:00:00Z');
  v2.prepare('INSERT INTO collections (id, doc, dt_start, dt_end) VALUES (?, ?, ?, ?)').run('old', JSON.stringify(collection), t, 8.64e15);
  const { properties, ...rest } = item;
  v2.prepare('INSERT INTO items (rid, collection, id, dt, dt_start, dt_end, geometry, minx, miny, maxx, maxy, properties, doc) VALUES (1, ?, ?, ?, ?, ?, ?, 10, 40, 11, 41, jsonb(?), ?)')
    .run('old', 'old-1', t, t, t, JSON.stringify(item.geometry), JSON.stringify(properties), JSON.stringify({ ...rest, properties: null }));
  v2.exec("INSERT INTO items_rtree VALUES (2, 10, 11, 40, 41); INSERT INTO items_fts (rowid, id, title, description, keywords) VALUES (1, 'old-1', 'Vintage harbour', '', 'old landsat-8')");
  v2.close();

  const index = new SqliteCatalogIndex(file);
  try {
    assert.deepEqual(await index.getItem({ collection: 'old', id: 'old-1' }), item);
    for (const params of [{ bbox: [10.5, 40.5, 12, 42] }, { q: 'harbour' }, { filter: "platform = 'landsat-8' AND eo:cloud_cover < 20", 'filter-lang': 'cql2-text' }, { ids: ['old-1'] }]) {
      const page = await index.searchItems(search(params));
      assert.deepEqual(page.features, [item], JSON.stringify(params));
    }
    const extra = { ...item, id: 'new-1' };
    assert.deepEqual(await index.upsertItems([extra]), { written: 1, errors: [] });
    assert.equal((await index.searchItems(search({ filter: "platform = 'landsat-8'", 'filter-lang': 'cql2-text' }))).numberMatched, 2);
  } finally {
    await index.close();
  }
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    assert.deepEqual({ ...db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() }, { value: '4' });
    const columns = (db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(!columns.includes('doc') && columns.includes('prop:platform') && columns.includes('prop:eo:cloud_cover'));
    assert.deepEqual({ ...db.prepare('SELECT count(*) AS n FROM item_docs').get() }, { n: 2 });
    assert.deepEqual({ ...db.prepare('SELECT "prop:platform" AS p, "prop:eo:cloud_cover" AS c FROM items WHERE id = ?').get('old-1') }, { p: 'landsat-8', c: 12.5 });
  } finally {
    db.close();
  }
  assert.deepEqual(indexNames(file), ITEM_INDEXES, 'the v2 indexes on id and on (collection, dt, id) are replaced');
});

test('an indexed property answers like its JSON: each literal matches values of its own type only', async () => {
  const values: Record<string, unknown> = { 'true': true, 'one': 1, 'one-and-a-half': 1.5, 'text-one': '1', 'text-b': 'b', 'empty': '', 'array': [1], 'object': { a: 1 }, 'null': null };
  const items: StacItem[] = [...Object.entries(values).map(([id, v]) => ({ id, v })), { id: 'missing', v: undefined }].map(({ id, v }) => ({
    type: 'Feature', stac_version: '1.0.0', id, collection: 'typed', geometry: null, links: [], assets: {},
    properties: { datetime: '2021-01-01T00:00:00Z', ...(v === undefined ? {} : { v }) },
  }));
  const cases: [string, string[]][] = [
    ['v = 1', ['one']], ["v = '1'", ['text-one']], ['v < 2', ['one', 'one-and-a-half']], ['v > 0', ['one', 'one-and-a-half']],
    ["v >= ''", ['empty', 'text-b', 'text-one']], ["v < 'a'", ['empty', 'text-one']], ['v <> 1', ['one-and-a-half']], ["v <> 'b'", ['empty', 'text-one']],
    ['v IN (1, 2)', ['one']], ["v IN ('1', 'b')", ['text-b', 'text-one']], ['v BETWEEN 0 AND 5', ['one', 'one-and-a-half']],
    ['v = true', ['true']], ['v IS NULL', ['missing', 'null']], ['2 > v', ['one', 'one-and-a-half']],
  ];
  for (const indexedProperties of [['v'], []]) {
    const index = new SqliteCatalogIndex(freshFile(), { indexedProperties });
    try {
      await index.upsertCollections([minimalCollection('typed', [-180, -90, 180, 90], ['2020-01-01T00:00:00Z', null])]);
      assert.equal((await index.upsertItems(items)).written, items.length);
      for (const [filter, ids] of cases) {
        const page = await index.searchItems(search({ filter, 'filter-lang': 'cql2-text' }));
        assert.deepEqual(page.features.map((f) => f.id).sort(), ids, `${filter} with ${indexedProperties.length ? 'v indexed' : 'v as JSON only'}`);
        assert.equal(page.numberMatched, ids.length);
      }
    } finally {
      await index.close();
    }
  }
});

test('a write that fails in the write worker is replayed entry by entry: the other entries are written, errors come in input order', async () => {
  const file = freshFile();
  const { collections, items } = syntheticCorpus();
  const index = new SqliteCatalogIndex(file, { bulkLoadMinItems: 50 });
  try {
    await index.upsertCollections(collections);
    // A failure no check foresees (as a full disk would be), for one item only, set up by another connection.
    const other = new DatabaseSync(file);
    other.exec("CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.id = 'syn-007' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END");
    other.close();
    const batch = [...items.slice(0, 100), { ...items[0], collection: 'no-such-collection' }];
    const result = await index.upsertItems(batch);
    const refused = items.findIndex((i) => i.id === 'syn-007');
    assert.ok(refused >= 0 && refused < 100);
    assert.equal(result.written, 99);
    assert.deepEqual(result.errors.map((e) => [e.index, e.id, e.collection]), [[refused, 'syn-007', items[refused].collection], [100, items[0].id, 'no-such-collection']]);
    assert.match(result.errors[0].message, /refused by a trigger/);
    assert.match(result.errors[1].message, /does not exist/);
    assert.equal(await index.getItem({ collection: items[refused].collection as string, id: 'syn-007' }), undefined);
    assert.deepEqual(await index.getItem({ collection: items[1].collection as string, id: items[1].id }), items[1]);
    assert.equal((await index.searchItems(search({}))).numberMatched, 99);
    // Replacing through the worker replaces rows, boxes, text and documents.
    const moved = items.slice(0, 60).filter((i) => i.id !== 'syn-007').map((i) => ({ ...i, bbox: [100, -10, 101, -9], geometry: { type: 'Point' as const, coordinates: [100.5, -9.5] }, properties: { ...i.properties, title: 'relocated survey' } }));
    assert.deepEqual(await index.upsertItems(moved), { written: moved.length, errors: [] });
    assert.equal((await index.searchItems(search({ q: 'relocated' }))).numberMatched, moved.length);
    assert.equal((await index.searchItems(search({ bbox: [99, -11, 102, -8] }))).numberMatched, moved.length);
    assert.deepEqual(await index.getItem({ collection: moved[3].collection as string, id: moved[3].id }), moved[3]);
    assert.equal((await index.searchItems(search({}))).numberMatched, 99);
  } finally {
    await index.close();
  }
});
