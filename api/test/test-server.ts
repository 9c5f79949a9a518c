// Starts the real API on a loopback port over a fresh embedded catalog and a
// fresh embedded metadata store (dynalite), both in a temporary data directory,
// for tests; or over fresh indices on an OpenSearch node (./test-catalog.ts).
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@meridian/core/accounts/accounts-context';
import { fileAvatarStorage } from '@meridian/core/accounts/avatar-storage';
import { ensureFirstAdmin } from '@meridian/core/accounts/first-admin';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import { loadConfig } from '@meridian/core/config/config';
import { InProcessJobQueue } from '@meridian/core/job-queue/in-process.job-queue';
import { createLogger } from '@meridian/core/logging/logger';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { openMetadataStore } from '@meridian/core/metadata-store/open-metadata-store';
import { createApp } from '../src/app.ts';
import { repositoryStores } from '../src/data-proxy/repository-stores.ts';
import { openTestCatalog } from './test-catalog.ts';

export interface TestServer {
  url: string;
  /** The STAC API root, without a trailing slash. */
  stac: string;
  adminToken: string;
  catalog: CatalogIndex;
  metadata: MetadataStore;
  dataDir: string;
  /** The app's job queue: tests register handlers on it (repository-changed) and wait for it to be idle. */
  jobs: InProcessJobQueue;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** The clock of the app and the store (epoch ms); default Date.now. */
  clock?: Clock;
}

/** `env` adds to or overrides the test configuration; ADMIN_EMAIL/ADMIN_PASSWORD create the first admin as `npm start` does. */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-test-'));
  const adminToken = 'test-admin-token-0123456789abcdef';
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'silent', ...env });
  const clock = options.clock ?? Date.now;
  const catalog = await openTestCatalog(dataDir, config.stac.maxLimit);
  const metadata = await openMetadataStore(config, { now: clock });
  await ensureFirstAdmin({ store: metadata.store, clock }, config.accounts.firstAdmin);
  const logger = createLogger('silent');
  const jobs = new InProcessJobQueue({ logger });
  const app = createApp({ catalog, config, adminToken, logger, metadata: metadata.store, avatars: fileAvatarStorage(dataDir), clock,
    openStore: repositoryStores(config), jobs });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stac: `${url}/stac`,
    adminToken,
    catalog,
    metadata: metadata.store,
    dataDir,
    jobs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await catalog.close();
      await metadata.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
