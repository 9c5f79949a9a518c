// How the app opens a repository's files, from its configuration: staging under
// DATA_DIR/staging (next to DATA_DIR/files, so staged puts rename into place),
// and S3 credentials opened with the server's secret key when a connection has them.
import { join } from 'node:path';
import type { Config } from '@meridian/core/config/config';
import { secretKeyOf } from '@meridian/core/crypto/secret-key';
import { openRepositoryStore } from '@meridian/core/object-store/repository-store';
import type { OpenRepositoryStore } from '../accounts/accounts-api-deps.ts';

export function repositoryStores(config: Config): OpenRepositoryStore {
  const stagingDir = join(config.dataDir, 'staging');
  return (connection, prefix) => openRepositoryStore(connection, prefix, {
    stagingDir,
    ...(connection.details.kind === 's3' && connection.details.secretCiphertext !== undefined ? { secretKey: secretKeyOf(config) } : {}),
  });
}
