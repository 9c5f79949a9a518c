// `npm start`: Meridian on its embedded defaults, configured from the environment.
import type { Server } from 'node:http';
import { fileAvatarStorage } from '@meridian/core/accounts/avatar-storage';
import { ensureFirstAdmin } from '@meridian/core/accounts/first-admin';
import { openCatalogIndex } from '@meridian/core/catalog-index/open-catalog-index';
import { ConfigError, loadConfig, resolveAdminToken, adminTokenFile, type Config } from '@meridian/core/config/config';
import { secretKeyOf } from '@meridian/core/crypto/secret-key';
import { ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { openJobQueue } from '@meridian/core/job-queue/open-job-queue';
import { ownApiUrl, requestCrawlOfEveryRepository, startIndexer } from '@meridian/indexer/worker/start-indexer';
import { createLogger } from '@meridian/core/logging/logger';
import { openMetadataStore } from '@meridian/core/metadata-store/open-metadata-store';
import { closeS3Clients } from '@meridian/core/object-store/repository-store';
import { createApp } from './app.ts';
import { webApp } from './http/web-app.ts';
import { repositoryStores } from './data-proxy/repository-stores.ts';

async function start(): Promise<void> {
  let config: Config;
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
  let metadata;
  try {
    metadata = await openMetadataStore(config);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot open the metadata store');
    process.exit(1);
  }
  const clock = Date.now;
  // Never logs the password: only the outcome and the admin's id and email.
  let firstAdmin;
  try {
    firstAdmin = await ensureFirstAdmin({ store: metadata.store, clock }, config.accounts.firstAdmin);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot create the first admin account');
    await metadata.close();
    process.exit(1);
  }
  if (firstAdmin === 'created') {
    logger.info({ account: config.accounts.firstAdmin?.id, email: config.accounts.firstAdmin?.email }, 'created the first admin account');
  } else if (firstAdmin === 'none') {
    logger.warn('no admin account exists and none is configured: set ADMIN_EMAIL and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) and restart to create one');
  }
  // The key that seals stored secrets, generated into DATA_DIR on first start; and on
  // a fresh embedded store the `local` data connection, so repositories can be created at once.
  try {
    secretKeyOf(config);
    if (firstAdmin !== 'not-empty' && config.metadataStore.endpoint === undefined) await ensureDefaultDataConnection({ store: metadata.store, clock }, config.dataDir);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot prepare the secret key or the default data connection');
    await metadata.close();
    process.exit(1);
  }
  // The embedded SQLite file, or the OpenSearch/Elasticsearch cluster at SEARCH_URL (never logged: it may hold credentials).
  let catalog;
  try {
    catalog = await openCatalogIndex(config);
  } catch (error) {
    logger.fatal({ err: error, backend: config.catalogBackend }, 'cannot open the catalog index');
    await metadata.close();
    process.exit(1);
  }
  const adminToken = resolveAdminToken(config);
  // Crawl requests and the data proxy's repository-changed jobs: run by the indexer in this process
  // (REDIS_URL unset), or queued in Redis for `npm run indexer` processes.
  const jobs = openJobQueue(config, logger);
  const web = await webApp(config);
  if (!web) logger.warn('the web app has not been built (npm run build -w web, or npm start, which builds it): serving the APIs only');
  const app = createApp({ catalog, config, adminToken, logger, metadata: metadata.store, avatars: fileAvatarStorage(config.dataDir), clock,
    openStore: repositoryStores(config), jobs, web });

  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ dataDir: config.dataDir, adminToken: config.adminToken ? 'from ADMIN_TOKEN' : adminTokenFile(config) },
      `Meridian listening on http://${config.host}:${port}/ (STAC API at /stac, management API at /api/v1, files at /data)`);
    if (config.queue.redisUrl) return;
    startIndexer({ config, logger, queue: jobs, metadata: metadata.store, catalog, apiUrl: config.indexer.apiUrl ?? ownApiUrl(config.host, port) })
      .then(() => requestCrawlOfEveryRepository(jobs, metadata.store))
      .catch((error) => {
        // Stopping while it started (the queue or the store closed under it) is no failure.
        if (stopping) return;
        logger.fatal({ err: error }, 'cannot start the indexer');
        process.exit(1);
      });
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
    // Running crawls finish first: they read through this server and write to the stores.
    void jobs.close().catch(() => {}).finally(() => {
      server.close(() => {
        closeS3Clients();
        Promise.allSettled([catalog.close(), metadata.close()]).finally(() => process.exit(0));
      });
      server.closeIdleConnections();
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await start();
