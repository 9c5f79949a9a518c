// Starts the real API on a loopback port over a fresh embedded catalog, for tests.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCatalogIndex } from '@meridian/core/catalog-index/sqlite/sqlite.catalog-index';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import { loadConfig } from '@meridian/core/config/config';
import { createLogger } from '@meridian/core/logging/logger';
import { createApp } from '../src/app.ts';

export interface TestServer {
  url: string;
  /** The STAC API root, without a trailing slash. */
  stac: string;
  adminToken: string;
  catalog: CatalogIndex;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-test-'));
  const adminToken = 'test-admin-token-0123456789abcdef';
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'silent', ...env });
  const catalog = new SqliteCatalogIndex(join(dataDir, 'catalog.sqlite'));
  const app = createApp({ catalog, config, adminToken, logger: createLogger('silent') });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stac: `${url}/stac`,
    adminToken,
    catalog,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await catalog.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
