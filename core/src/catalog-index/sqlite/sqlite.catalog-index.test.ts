// The catalog index contract on the embedded SQLite adapter, each case on a fresh
// database file, plus what only a file-backed index promises: data survives a restart.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { catalogIndexContract } from '../catalog-index.contract.ts';
import { syntheticCorpus } from '../contract/corpus.ts';
import { SqliteCatalogIndex } from './sqlite.catalog-index.ts';

const dir = await mkdtemp(join(tmpdir(), 'meridian-sqlite-index-'));
let opened = 0;
const freshFile = () => join(dir, `catalog-${++opened}.sqlite`);

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

catalogIndexContract('sqlite', async () => new SqliteCatalogIndex(freshFile()));

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
  assert.deepEqual({ ...reopened.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() }, { value: '2' });
  reopened.close();
});
