// The write worker of a file-backed embedded catalog: a thread with its own
// connection that writes a large batch of prepared items in one transaction, while
// the index's thread checks and serialises the next items (the load is CPU-bound,
// and checking plus serialising is about a third of it). Started by
// SqliteCatalogIndex; one batch at a time.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteItemWriter, type PreparedItem } from './sqlite-item-writer.ts';
import { configureConnection } from './sqlite-schema.ts';

/** A batch is `begin`, any number of `items`, then `commit`, which gets one WriteReply. */
export type WriteRequest =
  | { kind: 'begin'; count: number; minItems: number }
  | { kind: 'items'; items: PreparedItem[] }
  | { kind: 'commit' }
  | { kind: 'close' };

/** A failed batch is rolled back whole; the index then replays it entry by entry to find the entries that fail. */
export type WriteReply = { ok: true; written: number } | { ok: false; message: string };

export interface WriteWorkerData {
  path: string;
  indexed: readonly string[];
}

const port = parentPort;
if (!port) throw new Error('sqlite-write-worker.ts runs as a worker thread');
const { path, indexed } = workerData as WriteWorkerData;
const db = new DatabaseSync(path);
configureConnection(db);
// The checkpoint worker (sqlite-checkpoint-worker.ts) copies this connection's batches into the file.
db.exec('PRAGMA wal_autocheckpoint = 0');
const writer = new SqliteItemWriter(db, indexed);

let failure: unknown;
let written = 0;

const attempt = (work: () => void) => {
  if (failure !== undefined) return;
  try {
    work();
  } catch (error) {
    failure = error ?? new Error('write failed');
  }
};

port.on('message', (request: WriteRequest) => {
  switch (request.kind) {
    case 'begin':
      failure = undefined;
      written = 0;
      attempt(() => {
        db.exec('BEGIN IMMEDIATE');
        writer.startBatch(request.count, request.minItems);
      });
      break;
    case 'items':
      attempt(() => {
        for (const item of request.items) {
          writer.write(item);
          written++;
        }
      });
      break;
    case 'commit': {
      attempt(() => db.exec('COMMIT'));
      if (failure !== undefined && db.isTransaction) db.exec('ROLLBACK');
      const reply: WriteReply = failure === undefined
        ? { ok: true, written }
        : { ok: false, message: failure instanceof Error ? failure.message : String(failure) };
      port.postMessage(reply);
      break;
    }
    case 'close':
      db.close();
      port.close();
      break;
  }
});
