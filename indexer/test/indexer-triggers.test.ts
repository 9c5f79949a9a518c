// The indexer's triggers that need no crawl to check: repositories on S3
// connections are asked for again on the schedule (others are not), and in the
// embedded default every repository is asked for at start.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DataConnection, Repository } from '@meridian/core/accounts/accounts.types';
import { CRAWL_REPOSITORY } from '@meridian/core/index-state/crawl-request';
import { InProcessJobQueue } from '@meridian/core/job-queue/in-process.job-queue';
import { createLogger } from '@meridian/core/logging/logger';
import { openMetadataStore, type OpenedMetadataStore } from '@meridian/core/metadata-store/open-metadata-store';
import { requestExternalRecrawls } from '../src/worker/indexer-worker.ts';
import { requestCrawlOfEveryRepository } from '../src/worker/start-indexer.ts';

const T = '2026-01-01T00:00:00.000Z';
let dir: string;
let metadata: OpenedMetadataStore;

const connection = (id: string, details: DataConnection['details']): DataConnection => ({
  id, name: id, ownerId: 'admin', details, readOnly: false, allowedVisibilities: ['public', 'unlisted', 'restricted'], createdAt: T, updatedAt: T,
});
const repository = (repositoryId: string, dataConnectionId: string): Repository => ({
  accountId: 'ada', repositoryId, title: repositoryId, description: '', tags: [], visibility: 'public', state: 'published', disabled: false, featured: false,
  dataConnectionId, prefix: `ada/${repositoryId}/`, createdAt: T, updatedAt: T,
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meridian-triggers-'));
  metadata = await openMetadataStore({ dataDir: dir, metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' } });
  await metadata.store.createDataConnection(connection('local', { kind: 'filesystem', root: join(dir, 'files') }));
  await metadata.store.createDataConnection(connection('bucket', { kind: 's3', bucket: 'shared-bucket', prefixTemplate: '{account}/{repository}/', region: 'us-east-1' }));
  for (const [id, on] of [['on-disk', 'local'], ['in-bucket', 'bucket'], ['also-in-bucket', 'bucket']]) await metadata.store.createRepository(repository(id, on));
});
after(async () => {
  await metadata?.close();
  await rm(dir, { recursive: true, force: true });
});

async function requested(ask: (queue: InProcessJobQueue) => Promise<unknown>): Promise<string[]> {
  const queue = new InProcessJobQueue({ logger: createLogger('silent') });
  const seen: string[] = [];
  queue.handle<{ accountId: string; repositoryId: string }>(CRAWL_REPOSITORY, async (job) => void seen.push(`${job.data.accountId}/${job.data.repositoryId}`));
  await ask(queue);
  await queue.idle();
  await queue.close();
  return seen.sort();
}

test('the schedule asks for a crawl of the repositories on S3 connections only', async () => {
  assert.deepEqual(await requested((queue) => requestExternalRecrawls(queue, metadata.store)), ['ada/also-in-bucket', 'ada/in-bucket']);
});

test('at the embedded default\'s start, every repository is asked for', async () => {
  assert.deepEqual(await requested((queue) => requestCrawlOfEveryRepository(queue, metadata.store)), ['ada/also-in-bucket', 'ada/in-bucket', 'ada/on-disk']);
});
