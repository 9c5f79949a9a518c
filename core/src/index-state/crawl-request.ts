// Asking the indexer to crawl a repository: one `crawl-repository` job per
// repository at a time, whoever asks — the repositories service (created,
// updated, published, deleted), the data proxy's repository-changed events, an
// owner's reindex request, the schedule for external buckets. The deduplication
// id makes requests idempotent: while a crawl waits, more requests add nothing;
// while one runs, one more is kept and runs after it, so every change is crawled
// and two crawls of one repository never run at once.
import type { JobQueue } from '../job-queue/job-queue.port.ts';

export const CRAWL_REPOSITORY = 'crawl-repository';

export type CrawlRequest = { accountId: string; repositoryId: string };

export async function requestCrawl(queue: JobQueue, accountId: string, repositoryId: string): Promise<void> {
  await queue.add(CRAWL_REPOSITORY, { accountId, repositoryId }, { deduplicationId: `crawl.${accountId}.${repositoryId}` });
}

/**
 * What the repositories service is given to ask for crawls: the api passes one
 * that queues the job and, when the queue refuses (Redis away), logs it — the
 * repository change itself has happened and stands; the next change, the
 * schedule or a reindex request crawls it.
 */
export interface Indexing {
  requestCrawl(accountId: string, repositoryId: string): Promise<void>;
}
