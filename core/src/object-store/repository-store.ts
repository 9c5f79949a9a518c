// A repository's files: the object store of its data connection, scoped to the
// repository's prefix. The one place that turns a DataConnection into an
// adapter, so that the data proxy, the files listing and the indexer all reach
// bytes the same way.
//
// S3 clients are made once per connection version (id + updatedAt) and shared by
// every store and request on it: a client holds a pool of keep-alive sockets,
// which per-request clients would throw away. A connection that was changed
// (new endpoint, credentials…) has a new updatedAt, so it gets a new client.
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { DataConnection } from '../accounts/accounts.types.ts';
import { open } from '../crypto/secret-box.ts';
import { connectionSecretContext } from '../data-connections/data-connections.service.ts';
import { ValidationError } from '../errors.ts';
import { FilesystemObjectStore } from './filesystem.object-store.ts';
import { checkObjectPrefix } from './object-key.ts';
import type { ObjectStore } from './object-store.port.ts';
import { S3ObjectStore } from './s3.object-store.ts';

export interface RepositoryStoreOptions {
  /** Temporary files and multipart uploads (DATA_DIR/staging): on the same filesystem as every filesystem connection's root. */
  stagingDir: string;
  /** The server's secret key (crypto/secret-key.ts), which S3 credentials are sealed under; needed only for connections with credentials. */
  secretKey?: Uint8Array;
}

type S3Details = Extract<DataConnection['details'], { kind: 's3' }>;

const clients = new Map<string, { updatedAt: string; client: S3Client }>();

const ignore = () => {};
/**
 * Without a logger of its own the SDK writes to the console when a streamed
 * request fails ("non-retryable streaming request"): a body that failed, which
 * the store reports by rejecting. Its errors all reach the caller anyway.
 */
const quiet = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

function s3Client(connection: DataConnection, details: S3Details, secretKey: Uint8Array | undefined): S3Client {
  const cached = clients.get(connection.id);
  if (cached?.updatedAt === connection.updatedAt) return cached.client;
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (details.accessKeyId !== undefined && details.secretCiphertext !== undefined) {
    if (!secretKey) throw new Error(`data connection ${connection.id} has credentials, and no secret key was given to open them`);
    credentials = { accessKeyId: details.accessKeyId, secretAccessKey: open(secretKey, details.secretCiphertext, connectionSecretContext(connection.id)) };
  }
  const client = new S3Client({
    region: details.region,
    logger: quiet,
    ...(details.endpoint !== undefined ? { endpoint: details.endpoint, forcePathStyle: true } : {}),
    // A connection without credentials is a public bucket, read anonymously —
    // never with whatever AWS identity the server itself happens to have: empty
    // credentials keep the SDK from looking for any, and a signer that leaves
    // requests as they are sends them unsigned.
    ...(credentials ? { credentials } : { credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (request) => request } }),
  });
  // The old version's client is not destroyed: stores opened before the change
  // may still be streaming through it. Its idle sockets time out on their own.
  clients.set(connection.id, { updatedAt: connection.updatedAt, client });
  return client;
}

/** Ends every cached S3 client's sockets (at shutdown, and at the end of a test file). */
export function closeS3Clients(): void {
  for (const { client } of clients.values()) client.destroy();
  clients.clear();
}

/**
 * The store of `connection` scoped to `prefix` (a repository's `prefix`, such as
 * `alice/rainfall/`): keys are relative to it, and nothing outside it can be
 * named. For a filesystem connection it is the directory root/prefix; for S3,
 * the prefix inside the bucket.
 */
export function openRepositoryStore(connection: DataConnection, prefix: string, options: RepositoryStoreOptions): ObjectStore {
  checkObjectPrefix(prefix, 'repository prefix');
  if (!prefix.endsWith('/')) throw new ValidationError(`repository prefix ${JSON.stringify(prefix)} must end with /`);
  const { details } = connection;
  switch (details.kind) {
    case 'filesystem':
      return new FilesystemObjectStore({ root: join(details.root, prefix), stagingDir: options.stagingDir });
    case 's3':
      return new S3ObjectStore({ client: s3Client(connection, details, options.secretKey), bucket: details.bucket, prefix, stagingDir: options.stagingDir });
  }
}
