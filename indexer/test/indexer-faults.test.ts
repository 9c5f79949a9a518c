// Faults on the scale-out stack (support/indexer-stack.ts), each in the middle of
// a crawl of 1000 GeoJSON files put straight into the `local` connection's
// directory: the indexer process killed (SIGKILL) and started again; Redis
// restarted; the catalog index unavailable for a while (another connection holds
// SQLite's write lock, so every write of the crawl fails until it lets go). In
// each case the catalog converges to exactly the repository's files — nothing
// lost, nothing twice — and the queue's failed set stays empty.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { IndexStatus } from '@meridian/core/index-state/index-state.port';
import { CRAWL_REPOSITORY } from '@meridian/core/index-state/crawl-request';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { redisServerMissing } from '@meridian/core/testing/redis-server';
import { assertStatus, Browser } from '../../api/test/http-client.ts';
import { startIndexerStack, type IndexerStack } from './support/indexer-stack.ts';

const FILES = 1000;

serviceSuite('indexer faults: a killed indexer, a restarted Redis, an unavailable catalog', redisServerMissing(), () => {
  let stack: IndexerStack;
  let owner: Browser;

  before(async () => {
    stack = await startIndexerStack();
    owner = await new Browser(stack.url).as('olive');
  }, { timeout: 120_000 });
  after(() => stack?.close());

  /** A repository of `count` point files, written into its directory; the crawl is asked for by a reindex request. */
  async function repositoryOfPoints(id: string, count = FILES): Promise<void> {
    assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id, title: id, dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    for (let i = 0; i < count; i++) addPoint(id, i);
  }

  function addPoint(id: string, i: number): void {
    const dir = join(stack.filesDir, 'olive', id, 'points');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `p${String(i).padStart(5, '0')}.geojson`), JSON.stringify({
      type: 'FeatureCollection', features: [{ type: 'Feature', properties: { n: i }, geometry: { type: 'Point', coordinates: [(i % 360) - 179.5, ((i * 7) % 170) - 85] } }],
    }));
  }

  /** Item ids of the repository's collection, through the STAC API, every page. */
  async function itemIds(id: string): Promise<string[]> {
    const ids: string[] = [];
    let next: string | undefined = `${stack.url}/stac/collections/olive.${id}/items?limit=1000`;
    while (next) {
      const page = await (await fetch(next)).json() as { features: { id: string }[]; links: { rel: string; href: string }[] };
      ids.push(...page.features.map((f) => f.id));
      next = page.links.find((l) => l.rel === 'next')?.href;
    }
    return ids;
  }

  const expected = (count: number) => Array.from({ length: count }, (_, i) => `points~p${String(i).padStart(5, '0')}.geojson`);

  /** Polls the status until `check` holds for it. */
  async function until(id: string, check: (s: IndexStatus) => boolean, what: string): Promise<IndexStatus> {
    for (let waited = 0; ; waited += 25) {
      const status = await stack.state.getStatus('olive', id);
      if (status && check(status)) return status;
      if (waited > 120_000) assert.fail(`never: ${what} (${JSON.stringify(status)})`);
      await sleep(25);
    }
  }

  /** Part-way through reading: the documents fetched before the walk, or the files. */
  const reading = (s: IndexStatus) => s.state === 'crawling' && (s.progress?.phase === 'stac' || s.progress?.phase === 'files')
    && s.progress.read > 0 && s.progress.read < s.progress.toRead;

  async function assertConverged(id: string, count: number): Promise<void> {
    const ids = await itemIds(id);
    assert.equal(ids.length, new Set(ids).size, 'no item twice');
    assert.deepEqual(ids.sort(), expected(count));
    const status = await stack.state.getStatus('olive', id);
    assert.deepEqual(status?.counts, { seen: count, indexed: count, invalid: 0, failed: 0 });
    assert.deepEqual(await stack.jobs.failed(CRAWL_REPOSITORY), []);
  }

  test('the indexer process killed mid-crawl: another one takes the crawl up and it converges', async () => {
    const worker = await stack.startWorker();
    await repositoryOfPoints('killed');
    const since = new Date().toISOString();
    assertStatus(await owner.post('/api/v1/repositories/olive/killed/reindex', {}), 202);
    const interrupted = await until('killed', reading, 'the crawl reads');
    await worker.kill();
    const replacement = await stack.startWorker();
    const done = await stack.crawled('olive', 'killed', since, (s) => s.counts.seen === FILES);
    assert.ok(interrupted.progress!.read < FILES, 'it was killed part-way');
    await assertConverged('killed', FILES);
    assert.equal(done.state, 'indexed');
    await replacement.stop();
  });

  test('Redis restarted mid-crawl: the crawl finishes or is run again, and a change made after is crawled too', async () => {
    const worker = await stack.startWorker();
    await repositoryOfPoints('restarted');
    const since = new Date().toISOString();
    assertStatus(await owner.post('/api/v1/repositories/olive/restarted/reindex', {}), 202);
    await until('restarted', reading, 'the crawl reads');
    await stack.redis.restart();
    await stack.crawled('olive', 'restarted', since, (s) => s.counts.seen === FILES);
    // The queue works after the restart: one more file and a request, through Redis.
    addPoint('restarted', FILES);
    const later = new Date().toISOString();
    assertStatus(await owner.post('/api/v1/repositories/olive/restarted/reindex', {}), 202);
    await stack.crawled('olive', 'restarted', later, (s) => s.counts.seen === FILES + 1);
    await assertConverged('restarted', FILES + 1);
    await worker.stop();
  });

  test('the catalog unavailable for a while: the crawl fails, is retried with backoff, and converges once it is back', async () => {
    const worker = await stack.startWorker();
    await repositoryOfPoints('unavailable');
    const since = new Date().toISOString();
    const blocker = new DatabaseSync(join(stack.dataDir, 'catalog.sqlite'));
    try {
      // From now on every write of a crawl waits out its busy timeout and fails.
      blocker.exec('BEGIN IMMEDIATE');
      assertStatus(await owner.post('/api/v1/repositories/olive/unavailable/reindex', {}), 202);
      const failed = await until('unavailable', (s) => s.state === 'failed', 'the crawl fails');
      assert.match(failed.error ?? '', /locked|busy/i);
      await sleep(2000);
    } finally {
      if (blocker.isTransaction) blocker.exec('ROLLBACK');
      blocker.close();
    }
    await stack.crawled('olive', 'unavailable', since, (s) => s.counts.seen === FILES);
    await assertConverged('unavailable', FILES);
    await worker.stop();
  });
});
