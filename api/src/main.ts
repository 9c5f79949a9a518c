// `npm start`: Meridian on its embedded defaults, configured from the environment.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { SqliteCatalogIndex } from '@meridian/core/catalog-index/sqlite/sqlite.catalog-index';
import { ConfigError, loadConfig, resolveAdminToken, adminTokenFile } from '@meridian/core/config/config';
import { createLogger } from '@meridian/core/logging/logger';
import { createApp } from './app.ts';

function start(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`meridian: configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const catalog = new SqliteCatalogIndex(join(config.dataDir, 'catalog.sqlite'));
  const adminToken = resolveAdminToken(config);
  const app = createApp({ catalog, config, adminToken, logger });

  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ dataDir: config.dataDir, adminToken: config.adminToken ? 'from ADMIN_TOKEN' : adminTokenFile(config) },
      `Meridian listening on http://${config.host}:${port}/ (STAC API at /stac)`);
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      catalog.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

start();
