import type { DatabaseSync } from 'node:sqlite';

const SCHEMA_VERSION = 2;

// Items keep their properties apart from the rest of the document, as JSONB
// (older files may hold JSON text; every json function reads both), so that
// json_extract reads a smaller, already parsed value; `dt`, `dt_start`, `dt_end` are epoch ms.
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

CREATE TABLE IF NOT EXISTS items (
  rid INTEGER PRIMARY KEY,
  collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  dt REAL NOT NULL,
  dt_start REAL NOT NULL,
  dt_end REAL NOT NULL,
  geometry TEXT,
  minx REAL, miny REAL, maxx REAL, maxy REAL,
  properties TEXT NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS items_by_datetime ON items (dt, id, collection);
CREATE INDEX IF NOT EXISTS items_by_id ON items (id, collection);
CREATE INDEX IF NOT EXISTS items_by_collection ON items (collection, dt, id);
CREATE INDEX IF NOT EXISTS items_by_interval ON items (dt_start, dt_end);
-- Covers collection + datetime filters, so counting them reads no table rows.
CREATE INDEX IF NOT EXISTS items_by_collection_interval ON items (collection, dt_start, dt_end);
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

export function migrate(db: DatabaseSync): void {
  // Savepoints and sorts keep their scratch data in memory rather than in temporary
  // files. The page cache (allocated as used, up to 512 MiB) holds the index pages
  // that loads write in random order; with SQLite's 2 MiB default, a million-item
  // load slowed to half its starting rate.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;'
    + ' PRAGMA temp_store = MEMORY; PRAGMA cache_size = -524288;');
  const row = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()
    ? db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
    : undefined;
  const version = row ? Number(row.value) : SCHEMA_VERSION;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the catalog database has schema version ${version}; this Meridian knows versions up to ${SCHEMA_VERSION}`);
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    if (version < 2) {
      // Version 2: collections carry their repository's access attributes.
      db.exec(`ALTER TABLE collections ADD COLUMN account TEXT; ALTER TABLE collections ADD COLUMN repository TEXT;
        ALTER TABLE collections ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
        ALTER TABLE collections ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
        ALTER TABLE collections ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;`);
    }
    db.exec(DDL);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
