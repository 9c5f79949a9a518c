// The indexer's job handlers, attached to a job queue: the in-process one inside
// `npm start` (the embedded default), or BullMQ on Redis in `npm run indexer`
// processes (scale-out) — the same handlers either way.
//
//   crawl-repository     crawls one repository (crawl/repository-crawl.ts)
//   repository-changed   the data proxy wrote to a repository: crawl it
//   recrawl-external     the schedule: crawl every repository on an S3
//                        connection, whose bucket others may change behind
//                        Meridian's back
//
// A crawl that throws (the data proxy or the catalog unavailable) fails its try;
// the queue tries it again with backoff, and the crawl state makes the retry
// converge. Problems in the data are never thrown: they are the crawl's report.
import { CRAWL_REPOSITORY, requestCrawl, type CrawlRequest } from '@meridian/core/index-state/crawl-request';
import { REPOSITORY_CHANGED, type RepositoryChanged } from '@meridian/core/job-queue/repository-changed.job';
import type { JobQueue } from '@meridian/core/job-queue/job-queue.port';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { RepositoryCrawl, type CrawlDeps } from '../crawl/repository-crawl.ts';

export const RECRAWL_EXTERNAL = 'recrawl-external';

/** What a crawl needs, with the queue it runs on and the whole metadata store (the periodic re-crawl lists repositories). */
export interface IndexerWorkerDeps extends CrawlDeps {
  queue: JobQueue;
  metadata: MetadataStore;
  /** Re-crawl repositories on S3 connections this often; 0 = never. */
  recrawlEveryMs: number;
}

export async function attachIndexer(deps: IndexerWorkerDeps): Promise<void> {
  const { queue, logger } = deps;
  queue.handle<CrawlRequest>(CRAWL_REPOSITORY, async (job) => {
    const { accountId, repositoryId } = job.data;
    const started = Date.now();
    const status = await new RepositoryCrawl(deps, accountId, repositoryId).run();
    logger.info({ repository: `${accountId}/${repositoryId}`, attempt: job.attempt, ms: Date.now() - started, counts: status?.counts ?? 'repository deleted' },
      status ? 'crawled repository' : 'forgot the index state of a deleted repository');
  });
  queue.handle<RepositoryChanged>(REPOSITORY_CHANGED, async (job) => {
    await requestCrawl(queue, job.data.accountId, job.data.repositoryId);
  });
  queue.handle(RECRAWL_EXTERNAL, () => requestExternalRecrawls(queue, deps.metadata));
  if (deps.recrawlEveryMs > 0) await queue.schedule(RECRAWL_EXTERNAL, 'external-connections', deps.recrawlEveryMs, {});
  else await queue.unschedule(RECRAWL_EXTERNAL, 'external-connections');
}

/** Asks for a crawl of every repository on an S3 connection: their buckets may change behind Meridian's back. */
export async function requestExternalRecrawls(queue: JobQueue, metadata: MetadataStore): Promise<void> {
  const external = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await metadata.listDataConnections({ limit: 1000, cursor });
    for (const connection of page.items) if (connection.details.kind === 's3') external.add(connection.id);
    cursor = page.next;
  } while (cursor);
  if (external.size === 0) return;
  do {
    const page = await metadata.listRepositories({ limit: 1000, cursor });
    for (const r of page.items) if (external.has(r.dataConnectionId)) await requestCrawl(queue, r.accountId, r.repositoryId);
    cursor = page.next;
  } while (cursor);
}
