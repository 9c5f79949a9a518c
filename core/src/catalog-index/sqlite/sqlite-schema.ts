import type { DatabaseSync } from 'node:sqlite';
import { jsonPath } from './cql2-to-sql.ts';
import { columnValueSql, propertyColumn } from './indexed-properties.ts';

const SCHEMA_VERSION = 4;

/** How long a write waits for another connection's write to finish. */
export const BUSY_TIMEOUT_MS = 5000;

// Items keep their properties apart from the rest of the document, as JSONB
// (older files may hold JSON text; every json function reads both), so that
// json_extract reads a smaller, already parsed value; `dt`, `dt_start`, `dt_end` are epoch ms.
// The rest of each document (assets, links: most of its bytes) lives in item_docs,
// out of the rows that filters and index builds read; its geometry and properties
// are null there and set from the item's columns when it is read.
// Indexed properties (indexed-properties.ts) add one column each to items.
// The R*Tree holds each footprint box, two boxes for one crossing the
// antimeridian, under id rid*2 and rid*2+1.
const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS collections (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  geometry TEXT,
  minx REAL, miny REAL, maxx REAL, maxy REAL,
  dt_start REAL NOT NULL,
  dt_end REAL NOT NULL,
  account TEXT,
  repository TEXT,
  visibility TEXT NOT NULL DEFAULT 'public',
  state TEXT NOT NULL DEFAULT 'published',
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS collections_by_repository ON collections (repository);
CREATE VIRTUAL TABLE IF NOT EXISTS collections_fts USING fts5(
  id, title, description, keywords, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);

${itemsTable('items')}
CREATE TABLE IF NOT EXISTS item_docs (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS items_rtree USING rtree(id, minx, maxx, miny, maxy);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
  id, title, description, keywords, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE IF NOT EXISTS queryables (
  collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  format TEXT,
  PRIMARY KEY (collection, name)
) WITHOUT ROWID;
`;

/** The unique (id, collection) key finds an item by id alone too, so no other index on id is needed. */
function itemsTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  rid INTEGER PRIMARY KEY,
  collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  dt REAL NOT NULL,
  dt_start REAL NOT NULL,
  dt_end REAL NOT NULL,
  geometry TEXT,
  minx REAL, miny REAL, maxx REAL, maxy REAL,
  properties TEXT NOT NULL,
  UNIQUE (id, collection)
);`;
}

/**
 * The datetime reach of the catalog: no stored item has its sort key (`dt`) further
 * than this (ms) from either end of its interval (`dt_start`, `dt_end`). An item whose
 * interval meets [a, b] therefore has `dt` within [a − reach, b + reach], a range the
 * datetime index walks, where the interval test alone would scan every item on one
 * side of b. Writers only ever raise it (a deleted item may leave it larger than
 * needed, never smaller), in the transaction that stores the item; 0 while every item
 * is an instant.
 */
export const DATETIME_REACH_KEY = 'datetime_reach';
export const DATETIME_REACH_SQL = `(SELECT CAST(value AS REAL) FROM meta WHERE key = '${DATETIME_REACH_KEY}')`;

/**
 * The secondary indexes of items. None is needed for a correct answer (the unique
 * key, the R*Tree and the text index hold what searches depend on), so a bulk load
 * may drop them and build them again after its rows (sqlite.catalog-index.ts).
 */
export function itemIndexes(properties: readonly string[]): { name: string; sql: string }[] {
  return [
    // In the default order, and covering datetime searches: their range of dt (see
    // DATETIME_REACH_KEY) finds the page and the count without reading a row.
    { name: 'items_by_datetime', sql: 'CREATE INDEX IF NOT EXISTS items_by_datetime ON items (dt, id, collection, dt_start, dt_end)' },
    // In the default order within a collection, and covering the indexed properties and
    // the interval: a filter on them, or a datetime search (within the reach), walks it
    // for a page and counts from it, never reading a row.
    {
      name: 'items_by_collection',
      sql: `CREATE INDEX IF NOT EXISTS items_by_collection ON items (${['collection', 'dt', 'id', ...properties.map(propertyColumn), 'dt_start', 'dt_end'].join(', ')})`,
    },
  ];
}

export function missingItemIndexes(db: DatabaseSync, properties: readonly string[]): { name: string; sql: string }[] {
  const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'").all() as { name: string }[]).map((r) => r.name));
  return itemIndexes(properties).filter((index) => !present.has(index.name));
}

/** Version 3: documents move to item_docs, and the unique key turns to (id, collection), which needs a new table. */
function moveDocumentsOut(db: DatabaseSync): void {
  const columns = (db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('doc')) return;
  db.exec(`${itemsTable('items_v3')}
    INSERT INTO items_v3 (rid, collection, id, dt, dt_start, dt_end, geometry, minx, miny, maxx, maxy, properties)
      SELECT rid, collection, id, dt, dt_start, dt_end, geometry, minx, miny, maxx, maxy, properties FROM items;
    CREATE TABLE item_docs (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
    INSERT INTO item_docs (rid, doc) SELECT rid, doc FROM items;
    DROP TABLE items;
    ALTER TABLE items_v3 RENAME TO items;`);
}

/**
 * Gives items one column per indexed property, filled from the JSON properties,
 * and drops the columns of properties no longer listed; the covering index is
 * rebuilt when the list changed. Runs at every open, so changing the configured
 * list takes effect at the next start (a one-off pass over the items).
 */
function reconcilePropertyColumns(db: DatabaseSync, properties: readonly string[]): void {
  const columns = (db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name).filter((c) => c.startsWith('prop:'));
  const wanted = properties.map((p) => `prop:${p}`);
  const indexSql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'items_by_collection'").get() as { sql: string } | undefined)?.sql;
  const expected = itemIndexes(properties).find((i) => i.name === 'items_by_collection')?.sql.replace('IF NOT EXISTS ', '');
  if (indexSql !== undefined && indexSql !== expected) db.exec('DROP INDEX items_by_collection');
  for (const column of columns) if (!wanted.includes(column)) db.exec(`ALTER TABLE items DROP COLUMN "${column}"`);
  const added = properties.filter((p) => !columns.includes(`prop:${p}`));
  for (const property of added) db.exec(`ALTER TABLE items ADD COLUMN ${propertyColumn(property)}`);
  if (added.length > 0) {
    db.exec(`UPDATE items SET ${added.map((p) => `${propertyColumn(p)} = ${columnValueSql(jsonPath(p))}`).join(', ')}`);
  }
}

/** Each connection's page cache (negative: KiB), allocated as used; see migrate. */
export const PAGE_CACHE_KIB = -524_288;

/** The settings each connection to a catalog file needs (the index's own and its write worker's); see migrate. */
export function configureConnection(db: DatabaseSync): void {
  db.exec(`PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA temp_store = MEMORY; PRAGMA cache_size = ${PAGE_CACHE_KIB};`
    + ' PRAGMA foreign_keys = ON;');
}

export function migrate(db: DatabaseSync, properties: readonly string[]): void {
  // A new file gets 16 KiB pages: a document fits in one, and a load writes a quarter
  // as many pages (and WAL frames) as with the 4 KiB default; an existing file keeps its size.
  // Savepoints and sorts keep their scratch data in memory rather than in temporary
  // files. The page cache (allocated as used, up to 512 MiB) holds the index pages
  // that loads write in random order; with SQLite's 2 MiB default, a million-item
  // load slowed to half its starting rate.
  db.exec('PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;');
  configureConnection(db);
  const row = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()
    ? db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
    : undefined;
  const version = row ? Number(row.value) : SCHEMA_VERSION;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the catalog database has schema version ${version}; this Meridian knows versions up to ${SCHEMA_VERSION}`);
  }
  // Replacing the items table must not trip (or cascade through) foreign keys; the
  // pragma is a no-op inside a transaction, so it is set around it.
  db.exec('PRAGMA foreign_keys = OFF');
  db.exec('BEGIN IMMEDIATE');
  try {
    if (version < 2) {
      // Version 2: collections carry their repository's access attributes.
      db.exec(`ALTER TABLE collections ADD COLUMN account TEXT; ALTER TABLE collections ADD COLUMN repository TEXT;
        ALTER TABLE collections ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
        ALTER TABLE collections ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
        ALTER TABLE collections ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;`);
    }
    if (version < 3) moveDocumentsOut(db);
    // Version 4: datetime searches walk the datetime and collection indexes, which now
    // cover the interval, within the datetime reach (indexes led by dt_start served them
    // scanning every item on one side of the interval).
    if (version < 4) {
      db.exec('DROP INDEX IF EXISTS items_by_interval; DROP INDEX IF EXISTS items_by_collection_interval; DROP INDEX IF EXISTS items_by_datetime;');
    }
    db.exec(DDL);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) SELECT ?, coalesce(max(max(abs(dt - dt_start), abs(dt_end - dt))), 0) FROM items')
      .run(DATETIME_REACH_KEY);
    reconcilePropertyColumns(db, properties);
    // Also rebuilds what a bulk load cut short by a crash had dropped.
    for (const index of missingItemIndexes(db, properties)) db.exec(index.sql);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  } finally {
    db.exec('PRAGMA foreign_keys = ON');
  }
}
