// Meridian's scale-out stack for the indexer's end-to-end and fault tests, all of
// it real and on loopback: Redis (Debian's redis-server, durable in the test's
// directory), the DynamoDB API (dynalite served on a port, as DYNAMODB_ENDPOINT),
// the api in this process with BullMQ as its queue, and indexer processes
// started as `npm run indexer` would (indexer-main.ts) — which a test may kill.
// The catalog is the embedded SQLite file both processes open (WAL).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fileAvatarStorage } from '@meridian/core/accounts/avatar-storage';
import { ensureFirstAdmin } from '@meridian/core/accounts/first-admin';
import { SqliteCatalogIndex } from '@meridian/core/catalog-index/sqlite/sqlite.catalog-index';
import { loadConfig, type Config } from '@meridian/core/config/config';
import { ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { DynamoDbIndexStateStore } from '@meridian/core/index-state/dynamodb.index-state-store';
import type { IndexStatus } from '@meridian/core/index-state/index-state.port';
import type { JobQueue } from '@meridian/core/job-queue/job-queue.port';
import { openJobQueue } from '@meridian/core/job-queue/open-job-queue';
import { createLogger } from '@meridian/core/logging/logger';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '@meridian/core/metadata-store/dynamodb/embedded-dynamodb';
import { openMetadataStore, type OpenedMetadataStore } from '@meridian/core/metadata-store/open-metadata-store';
import { startRedis, type TestRedis } from '@meridian/core/testing/redis-server';
import { createApp } from '@meridian/api/app';
import { repositoryStores } from '@meridian/api/data-proxy/repository-stores';
import { assertStatus, Browser } from '../../../api/test/http-client.ts';

export const ADMIN = { email: 'root@example.org', password: 'the admin password' };

const WORKER_MAIN = fileURLToPath(new URL('../../src/worker/indexer-main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface IndexerWorker {
  child: ChildProcess;
  /** What it printed (JSON log lines). */
  output(): string;
  /** SIGKILL: as a crash or an out-of-memory kill would. */
  kill(): Promise<void>;
  /** SIGTERM and wait: a graceful stop. */
  stop(): Promise<void>;
}

export interface IndexerStack {
  url: string;
  dataDir: string;
  /** The `local` data connection's directory: files written here are a repository's files. */
  filesDir: string;
  env: Record<string, string>;
  config: Config;
  redis: TestRedis;
  catalog: SqliteCatalogIndex;
  state: DynamoDbIndexStateStore;
  /** The api's queue (adds jobs; runs none). */
  jobs: JobQueue;
  admin: Browser;
  startWorker(extraEnv?: Record<string, string>): Promise<IndexerWorker>;
  /** The repository's status once a crawl that started after `since` (ISO) has finished and `until` holds for it, polled. */
  crawled(accountId: string, repositoryId: string, since?: string, until?: (status: IndexStatus) => boolean, deadlineMs?: number): Promise<IndexStatus>;
  close(): Promise<void>;
}

export async function startIndexerStack(extraEnv: Record<string, string> = {}): Promise<IndexerStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-indexer-'));
  const redisDir = join(dataDir, 'redis');
  mkdirSync(redisDir);
  const redis = await startRedis({ dir: redisDir });
  const dynamo: EmbeddedDynamoDb = await startEmbeddedDynamoDb({ dataDir: join(dataDir, 'dynamo') });
  const env: Record<string, string> = {
    DATA_DIR: dataDir, LOG_LEVEL: 'info', DYNAMODB_ENDPOINT: dynamo.endpoint, REDIS_URL: redis.url, SECRET_KEY: randomBytes(32).toString('base64'),
    ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, INDEXER_BACKOFF_SECONDS: '1', INDEXER_LOCK_SECONDS: '3', INDEXER_ATTEMPTS: '20',
    INDEXER_CONCURRENCY: '2', ...extraEnv,
  };
  const config = loadConfig({ ...env, PORT: '0' });
  const logger = createLogger('silent');
  const metadata: OpenedMetadataStore = await openMetadataStore(config);
  await ensureFirstAdmin({ store: metadata.store, clock: Date.now }, config.accounts.firstAdmin);
  await ensureDefaultDataConnection({ store: metadata.store, clock: Date.now }, dataDir);
  const catalog = new SqliteCatalogIndex(join(dataDir, 'catalog.sqlite'));
  const jobs = openJobQueue(config, logger);
  const state = new DynamoDbIndexStateStore(metadata.store as unknown as ConstructorParameters<typeof DynamoDbIndexStateStore>[0]);
  const app = createApp({ catalog, config, adminToken: randomBytes(24).toString('base64url'), logger, metadata: metadata.store, avatars: fileAvatarStorage(dataDir),
    openStore: repositoryStores(config), jobs, indexState: state });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env.INDEXER_API_URL = url;
  const admin = new Browser(url);
  assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  const workers = new Set<IndexerWorker>();

  const startWorker = async (workerEnv: Record<string, string> = {}): Promise<IndexerWorker> => {
    const child = spawn(process.execPath, [WORKER_MAIN], { cwd: REPO_ROOT, env: { ...process.env, ...env, ...workerEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => { output = (output + chunk).slice(-256 * 1024); });
    child.stderr?.on('data', (chunk) => { output = (output + chunk).slice(-256 * 1024); });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const worker: IndexerWorker = {
      child,
      output: () => output,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        workers.delete(worker);
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        workers.delete(worker);
      },
    };
    workers.add(worker);
    for (let waited = 0; !/indexer started/.test(output); waited += 50) {
      if (child.exitCode !== null) throw new Error(`the indexer exited (${child.exitCode}):\n${output}`);
      if (waited > 60_000) throw new Error(`the indexer did not start:\n${output}`);
      await sleep(50);
    }
    return worker;
  };

  return {
    url, dataDir, filesDir: join(dataDir, 'files'), env, config, redis, catalog, state, jobs, admin, startWorker,
    async crawled(accountId, repositoryId, since = new Date(0).toISOString(), until = () => true, deadlineMs = 120_000) {
      for (let waited = 0; ; waited += 100) {
        const status = await state.getStatus(accountId, repositoryId);
        if (status && status.state === 'indexed' && status.startedAt && status.startedAt > since && until(status)) return status;
        if (waited > deadlineMs) throw new Error(`no crawl of ${accountId}/${repositoryId} finished after ${since}: ${JSON.stringify(status)}\n${[...workers].map((w) => w.output().slice(-4000)).join('\n')}`);
        await sleep(100);
      }
    },
    async close() {
      for (const worker of [...workers]) await worker.kill();
      // Requests a killed worker left behind finish before the stores close under them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(force);
      await sleep(250);
      await jobs.close();
      await catalog.close();
      await metadata.close();
      await dynamo.close();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
