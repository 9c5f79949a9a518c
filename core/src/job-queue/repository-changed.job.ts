// `repository-changed`: the job the data proxy queues after every write that
// changed a repository's files (a put, copy or completed multipart upload; a
// delete or batch delete), for the indexer to crawl what changed. Never queued
// for a write that failed or was aborted, nor for a delete of a key that held
// nothing.
import type { JobQueue } from './job-queue.port.ts';

export const REPOSITORY_CHANGED = 'repository-changed';

export type RepositoryChange = { key: string; kind: 'put' | 'delete' };

/** Keys are relative to the repository, as the object store names them. */
export type RepositoryChanged = { accountId: string; repositoryId: string; changes: RepositoryChange[] };

/** Queues the event; nothing when nothing changed. */
export async function publishRepositoryChanged(queue: JobQueue, event: RepositoryChanged): Promise<void> {
  if (event.changes.length === 0) return;
  await queue.add(REPOSITORY_CHANGED, event);
}
