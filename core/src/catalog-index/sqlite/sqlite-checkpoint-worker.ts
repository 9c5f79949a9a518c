// The checkpoint worker of a file-backed embedded catalog: a thread with its own
// connection that copies what the write worker committed from the write-ahead log
// into the database file. The write worker's connection never checkpoints
// (wal_autocheckpoint = 0), because a checkpoint after a bulk batch copies and
// syncs hundreds of megabytes, and on the writer's thread that stalled the load:
// measured on 200,000 items, a third of the time inside upsertItems. Here it runs
// while the next batch is written. Started by SqliteCatalogIndex with the write worker.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { configureConnection } from './sqlite-schema.ts';

/** `checkpoint` after each committed batch; `close` once no batch will follow. */
export type CheckpointRequest = { kind: 'checkpoint' } | { kind: 'close' };

export interface CheckpointWorkerData {
  path: string;
}

const port = parentPort;
if (!port) throw new Error('sqlite-checkpoint-worker.ts runs as a worker thread');
const db = new DatabaseSync((workerData as CheckpointWorkerData).path);
configureConnection(db);
// PASSIVE: copies what no reader still needs and never waits for a lock, so neither
// searches nor the next batch are held up; what it leaves, the next one copies.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

port.on('message', (request: CheckpointRequest) => {
  if (request.kind === 'checkpoint') {
    checkpoint.get();
    return;
  }
  db.close();
  port.close();
});
