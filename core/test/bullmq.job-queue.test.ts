// The job queue contract on BullMQ with a real Redis (Debian's redis-server,
// started here on a free loopback port), and what only a shared, durable queue
// does: two processes' queues share the work, jobs outlive the process that
// added them, and a worker that dies mid-job does not lose the job.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { BullMqJobQueue } from '../src/job-queue/bullmq.job-queue.ts';
import { jobQueueContract } from '../src/job-queue/job-queue.contract.ts';
import type { Job } from '../src/job-queue/job-queue.port.ts';
import { serviceSuite } from '../src/testing/loopback-server.ts';
import { redisServerMissing, startRedis, type TestRedis } from '../src/testing/redis-server.ts';

const logger = pino({ level: 'silent' });

serviceSuite('job queue contract: BullMQ on Redis', redisServerMissing(), () => {
  let redis: TestRedis;
  let dir: string;
  let queues = 0;
  // Each case gets queues of its own: a fresh key prefix on the one Redis.
  const open = (options = {}, prefix = `test${++queues}`) => new BullMqJobQueue({ redisUrl: redis.url, logger, prefix, ...options });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-redis-'));
    redis = await startRedis({ dir });
  });
  after(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  jobQueueContract('BullMQ', async (options) => open(options));

  test('BullMQ: a job added by one process is run by a worker in another, and none twice', async () => {
    const producer = open({}, 'shared');
    const workers = [open({}, 'shared'), open({}, 'shared')];
    const seen: number[] = [];
    for (const worker of workers) worker.handle('work', async (job: Job) => void seen.push((job.data as { n: number }).n));
    for (let n = 0; n < 20; n++) await producer.add('work', { n });
    await Promise.all(workers.map((worker) => worker.idle()));
    await Promise.all([producer.close(), ...workers.map((worker) => worker.close())]);
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 20 }, (_, n) => n));
  });

  test('BullMQ: jobs wait in Redis for a worker, across a Redis restart', async () => {
    const producer = open({}, 'durable');
    await producer.add('later', { n: 1 });
    await producer.add('later', { n: 2 }, { deduplicationId: 'later-2' });
    await producer.close();
    await redis.restart();
    const worker = open({}, 'durable');
    const seen: unknown[] = [];
    worker.handle('later', async (job: Job) => void seen.push(job.data));
    await worker.idle();
    await worker.close();
    assert.deepEqual(seen, [{ n: 1 }, { n: 2 }]);
  });

  test('BullMQ: a job whose worker process was killed mid-job is taken up again once its lock lapses', async () => {
    const lockDurationMs = 1000;
    // A worker in a child process that starts the job, says so, and never finishes it.
    const script = `
      import { pino } from 'pino';
      import { BullMqJobQueue } from ${JSON.stringify(new URL('../src/job-queue/bullmq.job-queue.ts', import.meta.url).href)};
      const queue = new BullMqJobQueue({ redisUrl: ${JSON.stringify(redis.url)}, logger: pino({ level: 'silent' }), prefix: 'killed', lockDurationMs: ${lockDurationMs} });
      queue.handle('crawl', async () => { console.log('started'); await new Promise(() => {}); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
    const producer = open({}, 'killed');
    await producer.add('crawl', { repository: 'a/b' }, { deduplicationId: 'crawl-a-b' });
    await once(child.stdout, 'data');
    child.kill('SIGKILL');
    await once(child, 'exit');
    await producer.add('crawl', { repository: 'a/b', duplicate: true }, { deduplicationId: 'crawl-a-b' });
    const second = open({ lockDurationMs }, 'killed');
    const seen: Job[] = [];
    second.handle('crawl', async (job: Job) => void seen.push(job));
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await second.idle();
    await Promise.all([second.close(), producer.close()]);
    // The interrupted job runs again; what was added while it was held is kept and runs after it, as for any running job.
    assert.deepEqual(seen.map((job) => job.data), [{ repository: 'a/b' }, { repository: 'a/b', duplicate: true }]);
    assert.notEqual(seen[1].id, seen[0].id);
  });
});

