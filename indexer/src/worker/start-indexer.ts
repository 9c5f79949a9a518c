// Starts the indexer's handlers on a job queue, with everything they need made
// from the configuration: the same function inside `npm start` (in-process
// queue, the api in the same process) and in `npm run indexer` (BullMQ).
import { join } from 'node:path';
import { indexerToken } from '@meridian/core/access/indexer-credential';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import type { Config } from '@meridian/core/config/config';
import { secretKeyOf } from '@meridian/core/crypto/secret-key';
import { requestCrawl } from '@meridian/core/index-state/crawl-request';
import { DynamoDbIndexStateStore } from '@meridian/core/index-state/dynamodb.index-state-store';
import type { JobQueue } from '@meridian/core/job-queue/job-queue.port';
import type { Logger } from '@meridian/core/logging/logger';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { DataProxyClient } from '../crawl/data-proxy-client.ts';
import { DocumentCache } from '../crawl/document-cache.ts';
import { createStacValidator } from '../validate/stac-validator.ts';
import { attachIndexer } from './indexer-worker.ts';

export interface StartIndexerOptions {
  config: Config;
  logger: Logger;
  queue: JobQueue;
  /** The metadata store (its DynamoDB also holds the index state). */
  metadata: MetadataStore;
  catalog: CatalogIndex;
  /** Where the data proxy is reached from here. */
  apiUrl: URL;
}

export async function startIndexer(options: StartIndexerOptions): Promise<void> {
  const { config, logger, queue, metadata, catalog, apiUrl } = options;
  await attachIndexer({
    queue, metadata, catalog, logger,
    state: new DynamoDbIndexStateStore(metadata as unknown as ConstructorParameters<typeof DynamoDbIndexStateStore>[0]),
    proxy: new DataProxyClient({ apiUrl, publicUrl: config.publicUrl ?? apiUrl, token: indexerToken(secretKeyOf(config)) }),
    documents: new DocumentCache(join(config.dataDir, 'indexer-documents.sqlite')),
    validator: createStacValidator(config.indexer.stacSchemaDir ? { schemaDir: config.indexer.stacSchemaDir } : {}),
    readCap: config.indexer.maxReadBytes,
    recrawlEveryMs: config.indexer.recrawlMs,
  });
  logger.info({ api: apiUrl.origin, queue: config.queue.redisUrl ? 'bullmq' : 'in-process', concurrency: config.queue.concurrency }, 'indexer started');
}

/**
 * The embedded default's queue lives in memory: a crawl that a stop interrupted,
 * and files put into a filesystem connection's directory while Meridian was
 * stopped, are caught up at start by asking for a crawl of every repository — a
 * crawl of an unchanged repository only lists it.
 */
export async function requestCrawlOfEveryRepository(queue: JobQueue, metadata: MetadataStore): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await metadata.listRepositories({ limit: 1000, cursor });
    for (const r of page.items) {
      await requestCrawl(queue, r.accountId, r.repositoryId);
      count++;
    }
    cursor = page.next;
  } while (cursor);
  return count;
}

/** The api's own address as a client on this machine reaches it (0.0.0.0 and :: listen everywhere, 127.0.0.1 among them). */
export function ownApiUrl(host: string, port: number): URL {
  const name = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return new URL(`http://${name}:${port}/`);
}
