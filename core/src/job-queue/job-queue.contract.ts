// The one contract every JobQueue adapter passes (DESIGN.md §2): the in-process
// queue and BullMQ on Redis, with the very same cases.
//
// Usage, in an adapter's test file:
//   jobQueueContract('in-process', async (options) => new InProcessJobQueue({ logger, ...options }));
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import type { Job, JobQueue, JobQueueOptions, JsonValue } from './job-queue.port.ts';

/** Opens a fresh, empty queue; `options` as JobQueueOptions (defaults: concurrency 1, 5 attempts, 1 s backoff). */
type Open = (options?: JobQueueOptions) => Promise<JobQueue>;

async function withQueue(open: Open, run: (queue: JobQueue) => Promise<void>, options?: JobQueueOptions): Promise<void> {
  const queue = await open(options);
  try {
    await run(queue);
  } finally {
    await queue.close();
  }
}

/** A handler that records every job it is given. */
function recorder(): { jobs: Job[]; handler: (job: Job) => Promise<void> } {
  const jobs: Job[] = [];
  return { jobs, handler: async (job) => void jobs.push(job) };
}

/** A promise the test resolves when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Polls until `check` holds (the queue runs jobs on its own schedule); fails after 20 s. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 20_000) assert.fail(`never happened: ${what}`);
    await sleep(20);
  }
}

const n = (job: Job) => (job.data as { n: number }).n;

export function jobQueueContract(adapter: string, open: Open): void {
  describe(`job queue contract: ${adapter}`, () => {
    test('a job reaches the handler of its name with its id, a copy of its data and its attempt number', async () => {
      await withQueue(open, async (queue) => {
        const seen = recorder();
        const other = recorder();
        queue.handle('greet', seen.handler);
        queue.handle('other', other.handler);
        const data = { who: 'world', n: [1, 2, { deep: true }] };
        const { id } = await queue.add('greet', data);
        data.who = 'changed after add';
        await queue.idle();
        assert.deepEqual(seen.jobs, [{ id, name: 'greet', data: { who: 'world', n: [1, 2, { deep: true }] }, attempt: 1 }]);
        assert.equal(other.jobs.length, 0);
        assert.equal(typeof id, 'string');
        assert.ok(id.length > 0);
      });
    });

    test('with concurrency 1, jobs run one at a time, in the order they were added', async () => {
      await withQueue(open, async (queue) => {
        const order: string[] = [];
        let running = 0;
        queue.handle('step', async (job: Job) => {
          running++;
          assert.equal(running, 1, 'one job at a time');
          order.push(`start ${n(job)}`);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`end ${n(job)}`);
          running--;
        });
        for (let i = 0; i < 5; i++) await queue.add('step', { n: i });
        await queue.idle();
        assert.deepEqual(order, [0, 1, 2, 3, 4].flatMap((i) => [`start ${i}`, `end ${i}`]));
      });
    });

    test('with concurrency 2, two jobs run at the same time and a third waits for a free slot', async () => {
      await withQueue(open, async (queue) => {
        const release = gate();
        const started: number[] = [];
        let running = 0;
        let most = 0;
        queue.handle('parallel', async (job: Job) => {
          running++;
          most = Math.max(most, running);
          started.push(n(job));
          await release.opened;
          running--;
        });
        for (let i = 1; i <= 3; i++) await queue.add('parallel', { n: i });
        await eventually(() => started.length === 2, 'two jobs started');
        await sleep(100);
        assert.deepEqual(started.sort(), [1, 2], 'the third waits while two run');
        release.open();
        await queue.idle();
        assert.deepEqual(started.sort(), [1, 2, 3]);
        assert.equal(most, 2);
      }, { concurrency: 2 });
    });

    test('add does not wait for the job to run', async () => {
      await withQueue(open, async (queue) => {
        const release = gate();
        const done: number[] = [];
        queue.handle('slow', async (job: Job) => {
          await release.opened;
          done.push(n(job));
        });
        await queue.add('slow', { n: 1 });
        await queue.add('slow', { n: 2 });
        assert.deepEqual(done, [], 'nothing ran while add was awaited');
        release.open();
        await queue.idle();
        assert.deepEqual(done, [1, 2]);
      });
    });

    test('a deduplication id already waiting adds nothing; once its job is done the id may be added again', async () => {
      await withQueue(open, async (queue) => {
        const seen = recorder();
        const first = await queue.add('crawl', { v: 1 }, { deduplicationId: 'crawl-a-b' });
        const again = await queue.add('crawl', { v: 2 }, { deduplicationId: 'crawl-a-b' });
        await queue.add('crawl', { v: 3 }, { deduplicationId: 'crawl-a-c' });
        assert.equal(again.id, first.id, 'the waiting job answers');
        queue.handle('crawl', seen.handler);
        await queue.idle();
        assert.deepEqual(seen.jobs.map((job) => job.data), [{ v: 1 }, { v: 3 }]);
        assert.equal(seen.jobs[0].id, first.id);
        await queue.add('crawl', { v: 4 }, { deduplicationId: 'crawl-a-b' });
        await queue.idle();
        assert.deepEqual(seen.jobs.at(-1)?.data, { v: 4 });
      });
    });

    test('adds made while a job of that deduplication id runs: the last is kept and runs after it, never beside it', async () => {
      await withQueue(open, async (queue) => {
        const release = gate();
        const seen: JsonValue[] = [];
        let running = 0;
        queue.handle('crawl', async (job: Job) => {
          running++;
          assert.equal(running, 1, 'never two jobs of one deduplication id at once');
          seen.push(job.data);
          if ((job.data as { v: number }).v === 1) await release.opened;
          await sleep(10);
          running--;
        });
        await queue.add('crawl', { v: 1 }, { deduplicationId: 'one' });
        await eventually(() => seen.length === 1, 'the first job started');
        await queue.add('crawl', { v: 2 }, { deduplicationId: 'one' });
        await queue.add('crawl', { v: 3 }, { deduplicationId: 'one' });
        release.open();
        await eventually(() => seen.length === 2, 'the kept job ran');
        await queue.idle();
        assert.deepEqual(seen, [{ v: 1 }, { v: 3 }]);
      }, { concurrency: 2 });
    });

    test('jobs added before their handler wait for it', async () => {
      await withQueue(open, async (queue) => {
        await queue.add('later', { n: 1 });
        await queue.add('later', { n: 2 });
        await queue.idle(); // no handler: nothing to wait for
        const seen = recorder();
        queue.handle('later', seen.handler);
        await queue.idle();
        assert.deepEqual(seen.jobs.map((job) => job.data), [{ n: 1 }, { n: 2 }]);
      });
    });

    test('a failing try is retried after a backoff, with the next attempt number, until it succeeds', async () => {
      await withQueue(open, async (queue) => {
        const attempts: number[] = [];
        queue.handle('flaky', async (job: Job) => {
          attempts.push(job.attempt);
          if (job.attempt < 3) throw new Error(`try ${job.attempt} fails on purpose`);
        });
        await queue.add('flaky', { n: 1 }, { deduplicationId: 'flaky-1' });
        await queue.idle();
        assert.deepEqual(attempts, [1, 2, 3]);
        assert.deepEqual(await queue.failed('flaky'), []);
      }, { attempts: 3, backoffMs: 20 });
    });

    test('after its last try a job is in the failed set with its reason, and the jobs after it still run', async () => {
      await withQueue(open, async (queue) => {
        const seen: JsonValue[] = [];
        let tries = 0;
        queue.handle('fragile', async (job: Job) => {
          if ((job.data as { fail: boolean }).fail) {
            tries++;
            throw new Error(`broken on purpose, try ${job.attempt}`);
          }
          seen.push(job.data);
        });
        const { id } = await queue.add('fragile', { fail: true }, { deduplicationId: 'fragile-x' });
        await queue.add('fragile', { fail: false });
        await queue.idle();
        assert.deepEqual(seen, [{ fail: false }]);
        assert.equal(tries, 2);
        const failed = await queue.failed('fragile');
        assert.equal(failed.length, 1);
        assert.equal(failed[0].id, id);
        assert.equal(failed[0].name, 'fragile');
        assert.deepEqual(failed[0].data, { fail: true });
        assert.equal(failed[0].reason, 'broken on purpose, try 2');
        assert.equal(failed[0].attempts, 2);
        assert.ok(!Number.isNaN(Date.parse(failed[0].failedAt)));
        // The failed job no longer holds its deduplication id.
        await queue.add('fragile', { fail: false, again: true }, { deduplicationId: 'fragile-x' });
        await queue.idle();
        assert.deepEqual(seen.at(-1), { fail: false, again: true });
      }, { attempts: 2, backoffMs: 20 });
    });

    test('a schedule adds its job again and again until it is unscheduled', async () => {
      await withQueue(open, async (queue) => {
        const seen = recorder();
        queue.handle('tick', seen.handler);
        await queue.schedule('tick', 'every-100ms', 100, { what: 'recrawl' });
        await eventually(() => seen.jobs.length >= 2, 'the schedule ran twice');
        await queue.unschedule('tick', 'every-100ms');
        await queue.idle();
        const count = seen.jobs.length;
        await sleep(400);
        assert.equal(seen.jobs.length, count, 'nothing runs after unschedule');
        assert.ok(seen.jobs.every((job) => (job.data as { what: string }).what === 'recrawl'));
      });
    });

    test('close is graceful: it waits for the running jobs to finish', async () => {
      const queue = await open({ concurrency: 2 });
      const finished: number[] = [];
      const started: number[] = [];
      queue.handle('long', async (job: Job) => {
        started.push(n(job));
        await sleep(200);
        finished.push(n(job));
      });
      await queue.add('long', { n: 1 });
      await queue.add('long', { n: 2 });
      await eventually(() => started.length === 2, 'both jobs started');
      await queue.close();
      assert.deepEqual(finished.sort(), [1, 2]);
    });

    test('one handler per name', async () => {
      await withQueue(open, async (queue) => {
        queue.handle('once', async () => {});
        assert.throws(() => queue.handle('once', async () => {}), /already have a handler/);
      });
    });
  });
}
