// `npm run indexer`: an indexer process for scale-out. It takes crawl jobs from
// Redis (REDIS_URL), reads repositories through the api's data proxy
// (INDEXER_API_URL) and writes the catalog index and the index state, which it
// shares with the api: the metadata store must be a DynamoDB endpoint both reach
// (DYNAMODB_ENDPOINT), and the api and every indexer share SECRET_KEY (the
// indexer's credential is derived from it). Start as many as the work needs.
//
// SIGTERM or SIGINT stops it gracefully: no new job is taken, running crawls
// finish; a crawl still running after INDEXER_LOCK_SECONDS is left to another
// process, which takes it up when its lock lapses.
import { openCatalogIndex } from '@meridian/core/catalog-index/open-catalog-index';
import { ConfigError, loadConfig, type Config } from '@meridian/core/config/config';
import { openJobQueue } from '@meridian/core/job-queue/open-job-queue';
import { createLogger } from '@meridian/core/logging/logger';
import { openMetadataStore } from '@meridian/core/metadata-store/open-metadata-store';
import { ownApiUrl, startIndexer } from './start-indexer.ts';

function configOrExit(): Config {
  try {
    const config = loadConfig();
    if (!config.queue.redisUrl) throw new ConfigError('REDIS_URL is required for a separate indexer process: expected a redis:// URL (without it, npm start runs the indexer inside the api)');
    if (!config.metadataStore.endpoint) throw new ConfigError('DYNAMODB_ENDPOINT is required for a separate indexer process: expected the DynamoDB endpoint the api uses');
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`meridian indexer: configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
}

const config = configOrExit();
const logger = createLogger(config.logLevel, 'meridian-indexer');
const metadata = await openMetadataStore(config);
// The catalog the api serves: the shared SQLite file, or the cluster at SEARCH_URL.
const catalog = await openCatalogIndex(config);
const queue = openJobQueue(config, logger);
await startIndexer({ config, logger, queue, metadata: metadata.store, catalog, apiUrl: config.indexer.apiUrl ?? ownApiUrl('127.0.0.1', config.port) });

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'indexer stopping: finishing running crawls');
  setTimeout(() => process.exit(1), config.queue.lockMs).unref();
  void queue.close().finally(() => Promise.allSettled([catalog.close(), metadata.close()]).finally(() => process.exit(0)));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
