// The embedded default of the metadata store: the DynamoDB API served in-process
// by dynalite, its data kept in LevelDB under DATA_DIR/metadata so that it
// survives restarts. It listens on 127.0.0.1 only, on a port the OS picks.
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';

export interface EmbeddedDynamoDb {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** The LevelDB directory. */
  path: string;
  /** Stops the server and closes the database (waits for writes in flight). */
  close(): Promise<void>;
}

export const embeddedMetadataDir = (dataDir: string) => join(dataDir, 'metadata');

/**
 * LevelDB allows one process per directory. dynalite would only find out at its
 * first request and then crash the process with an unrelated-looking iterator
 * error, so the lock is tried here first, to fail with a message that says what
 * is wrong.
 */
async function checkNotInUse(path: string): Promise<void> {
  const probe = new ClassicLevel(path);
  try {
    await probe.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const locked = cause?.code === 'LEVEL_LOCKED';
    throw new Error(locked
      ? `the metadata store in ${path} is in use by another process (another Meridian on the same DATA_DIR?)`
      : `cannot open the metadata store in ${path}: ${(error as Error).message}`, { cause: error });
  }
  await probe.close();
}

export async function startEmbeddedDynamoDb(options: { dataDir: string }): Promise<EmbeddedDynamoDb> {
  const path = embeddedMetadataDir(options.dataDir);
  await mkdir(path, { recursive: true });
  await checkNotInUse(path);
  // Tables become ACTIVE at once instead of after dynalite's default 500 ms.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    path,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections of clients would hold close() open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
