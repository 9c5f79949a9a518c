// Item writes of the embedded catalog, from items already checked and serialised
// (PreparedItem): shared by the index's own connection and by the write worker
// (sqlite-write-worker.ts), which binds and inserts while the index's thread
// prepares the next items.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { QueryableField } from '../catalog-index.port.ts';
import type { SqlValue } from './cql2-to-sql.ts';
import { propertyColumn } from './indexed-properties.ts';
import { DATETIME_REACH_KEY, itemIndexes } from './sqlite-schema.ts';

/** The columns an item write sets, in the order of its values (then those of the indexed properties). */
const ITEM_COLUMNS = ['collection', 'id', 'dt', 'dt_start', 'dt_end', 'geometry', 'minx', 'miny', 'maxx', 'maxy', 'properties']
  .map((name) => ({ name, value: name === 'properties' ? 'jsonb(?)' : '?' }));

/**
 * A batch at least this share of the items already stored is a bulk load. Measured
 * on this machine: keeping the secondary indexes up to date costs ~10 µs per item
 * and index, building one afresh ~1.5 µs per stored item, so building wins once a
 * batch is about a fifth of the table.
 */
const BULK_LOAD_SHARE = 0.2;

/** A queryable an item adds (`widen` false) or turns from integer to number (`widen` true). */
export type QueryableChange = [name: string, type: QueryableField['type'], format: string | null, widen: boolean];

/** An item as its rows hold it: only plain values, so that it crosses to a worker thread as it is. */
export interface PreparedItem {
  collection: string;
  id: string;
  /** The values of the item's columns, in the order of ITEM_COLUMNS, then the indexed properties. */
  values: SqlValue[];
  /** The document without its geometry and properties. */
  doc: string;
  /** Footprint boxes (two when it crosses the antimeridian) as [west, south, east, north]. */
  boxes: number[][];
  text: [title: string, description: string, keywords: string];
  queryables: QueryableChange[];
}

export class SqliteItemWriter {
  readonly #db: DatabaseSync;
  readonly #indexed: readonly string[];
  readonly #s: Record<string, StatementSync>;

  constructor(db: DatabaseSync, indexed: readonly string[]) {
    this.#db = db;
    this.#indexed = indexed;
    const columns = indexed.map(propertyColumn);
    const prepare = (text: string) => db.prepare(text);
    this.#s = {
      insertItem: prepare(`INSERT INTO items (${ITEM_COLUMNS.map((c) => c.name).join(', ')}${columns.map((c) => `, ${c}`).join('')})
        VALUES (${ITEM_COLUMNS.map((c) => c.value).join(', ')}${columns.map(() => ', ?').join('')}) ON CONFLICT (id, collection) DO NOTHING`),
      updateItem: prepare(`UPDATE items SET ${[...ITEM_COLUMNS.map((c) => `${c.name} = ${c.value}`), ...columns.map((c) => `${c} = ?`)].join(', ')} WHERE rid = ?`),
      findItem: prepare('SELECT rid FROM items WHERE collection = ? AND id = ?'),
      upsertDoc: prepare('INSERT INTO item_docs (rid, doc) VALUES (?, ?) ON CONFLICT (rid) DO UPDATE SET doc = excluded.doc'),
      deleteBoxes: prepare('DELETE FROM items_rtree WHERE id IN (?, ?)'),
      insertBox: prepare('INSERT INTO items_rtree (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)'),
      deleteItemText: prepare('DELETE FROM items_fts WHERE rowid = ?'),
      insertItemText: prepare('INSERT INTO items_fts (rowid, id, title, description, keywords) VALUES (?, ?, ?, ?, ?)'),
      insertQueryable: prepare('INSERT OR IGNORE INTO queryables (collection, name, type, format) VALUES (?, ?, ?, ?)'),
      widenQueryable: prepare("UPDATE queryables SET type = 'number' WHERE collection = ? AND name = ? AND type = 'integer'"),
      maxItemRid: prepare('SELECT max(rid) AS rid FROM items'),
      raiseReach: prepare(`UPDATE meta SET value = max(CAST(value AS REAL), ?) WHERE key = '${DATETIME_REACH_KEY}'`),
    };
  }

  /**
   * Called first in the transaction of a batch of `count` items: a batch that is large
   * (at least `minItems`), and large against the items already stored, is a bulk load,
   * which drops the secondary item indexes (see SqliteCatalogIndex.upsertItems).
   */
  startBatch(count: number, minItems: number): void {
    if (count < minItems) return;
    const stored = (this.#s.maxItemRid.get() as { rid: number | null }).rid ?? 0;
    if (count < BULK_LOAD_SHARE * stored) return;
    for (const index of itemIndexes(this.#indexed)) this.#db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  }

  write(item: PreparedItem): void {
    const s = this.#s;
    // Inserted, or else looked up and updated, rather than an upsert RETURNING its rid:
    // through node:sqlite, RETURNING made each write about five times slower (~40 µs more per item).
    const inserted = s.insertItem.run(...item.values);
    const existing = inserted.changes === 0 ? s.findItem.get(item.collection, item.id) as { rid: number } : undefined;
    const rid = existing ? existing.rid : Number(inserted.lastInsertRowid);
    if (existing) {
      s.updateItem.run(...item.values, rid);
      s.deleteBoxes.run(rid * 2, rid * 2 + 1);
      s.deleteItemText.run(rid);
    }
    // Raised with every such item, not cached: a write rolled back to its savepoint takes its raise with it.
    const [, , dt, start, end] = item.values as number[];
    const reach = Math.max(Math.abs(dt - start), Math.abs(end - dt));
    if (reach > 0) s.raiseReach.run(reach);
    s.upsertDoc.run(rid, item.doc);
    item.boxes.forEach(([w, south, e, n], part) => s.insertBox.run(rid * 2 + part, w, e, south, n));
    s.insertItemText.run(rid, item.id, ...item.text);
    for (const [name, type, format, widen] of item.queryables) {
      if (widen) s.widenQueryable.run(item.collection, name);
      else s.insertQueryable.run(item.collection, name, type, format);
    }
  }
}

