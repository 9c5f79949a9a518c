// The STAC documents of the last crawl, by key and ETag, on this indexer's disk
// (DATA_DIR/indexer-documents.sqlite). When one document of a repository changes,
// the walk must run again over all of them — which items a collection's links
// reach depends on every document linking to them — but the unchanged ones are
// not read through the data proxy again: they come from here. A document is kept
// under the ETag the data proxy sent with it, so a changed object never matches.
//
// It is a cache: lost or absent (another indexer process, another machine), the
// documents are read again; entries of objects that changed or went away are
// dropped at the end of each crawl. SQLite (node:sqlite, WAL) rather than loose
// files, so that tens of thousands of small documents are one file, written in
// transactions and pruned with one statement.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export class DocumentCache {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS documents (repository TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (repository, key));`);
  }

  get(repository: string, key: string, etag: string): Uint8Array | undefined {
    const row = this.#db.prepare('SELECT body FROM documents WHERE repository = ? AND key = ? AND etag = ?').get(repository, key, etag) as { body: Uint8Array } | undefined;
    return row?.body;
  }

  put(repository: string, entries: { key: string; etag: string; body: Uint8Array }[]): void {
    if (entries.length === 0) return;
    const insert = this.#db.prepare('INSERT OR REPLACE INTO documents (repository, key, etag, body) VALUES (?, ?, ?, ?)');
    this.#db.exec('BEGIN');
    try {
      for (const e of entries) insert.run(repository, e.key, e.etag, e.body);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Keeps only the documents whose key and ETag are listed now. */
  keepOnly(repository: string, live: Map<string, string>): void {
    const rows = this.#db.prepare('SELECT key, etag FROM documents WHERE repository = ?').all(repository) as { key: string; etag: string }[];
    const remove = this.#db.prepare('DELETE FROM documents WHERE repository = ? AND key = ?');
    this.#db.exec('BEGIN');
    for (const row of rows) if (live.get(row.key) !== row.etag) remove.run(repository, row.key);
    this.#db.exec('COMMIT');
  }

  forget(repository: string): void {
    this.#db.prepare('DELETE FROM documents WHERE repository = ?').run(repository);
  }

  close(): void {
    this.#db.close();
  }
}
