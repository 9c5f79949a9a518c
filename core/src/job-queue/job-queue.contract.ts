// The one contract every JobQueue adapter passes (DESIGN.md §2): the in-process
// queue here, BullMQ on Redis with the very same cases when it comes.
//
// Usage, in an adapter's test file:
//   jobQueueContract('in-process', async () => new InProcessJobQueue({ logger }));
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job, JobQueue, JsonValue } from './job-queue.port.ts';

type Open = () => Promise<JobQueue>;

async function withQueue(open: Open, run: (queue: JobQueue) => Promise<void>): Promise<void> {
  const queue = await open();
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

export function jobQueueContract(adapter: string, open: Open): void {
  describe(`job queue contract: ${adapter}`, () => {
    test('a job reaches the handler of its name with its id and a copy of its data', async () => {
      await withQueue(open, async (queue) => {
        const seen = recorder();
        const other = recorder();
        queue.handle('greet', seen.handler);
        queue.handle('other', other.handler);
        const data = { who: 'world', n: [1, 2, { deep: true }] };
        const { id } = await queue.add('greet', data);
        data.who = 'changed after add';
        await queue.idle();
        assert.deepEqual(seen.jobs, [{ id, name: 'greet', data: { who: 'world', n: [1, 2, { deep: true }] } }]);
        assert.equal(other.jobs.length, 0);
        assert.equal(typeof id, 'string');
        assert.ok(id.length > 0);
      });
    });

    test('jobs run one at a time, in the order they were added', async () => {
      await withQueue(open, async (queue) => {
        const order: string[] = [];
        let running = 0;
        queue.handle('step', async (job: Job) => {
          running++;
          assert.equal(running, 1, 'one job at a time');
          order.push(`start ${String((job.data as { n: number }).n)}`);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`end ${String((job.data as { n: number }).n)}`);
          running--;
        });
        for (let n = 0; n < 5; n++) await queue.add('step', { n });
        await queue.idle();
        assert.deepEqual(order, [0, 1, 2, 3, 4].flatMap((n) => [`start ${n}`, `end ${n}`]));
      });
    });

    test('add does not wait for the job to run', async () => {
      await withQueue(open, async (queue) => {
        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => (release = resolve));
        const done: number[] = [];
        queue.handle('slow', async (job: Job) => {
          await gate;
          done.push((job.data as { n: number }).n);
        });
        await queue.add('slow', { n: 1 });
        await queue.add('slow', { n: 2 });
        assert.deepEqual(done, [], 'nothing ran while add was awaited');
        release();
        await queue.idle();
        assert.deepEqual(done, [1, 2]);
      });
    });

    test('a jobId already waiting or running is not added twice; once done it may be added again', async () => {
      await withQueue(open, async (queue) => {
        const seen = recorder();
        const first = await queue.add('crawl', { v: 1 }, { jobId: 'crawl:a/b' });
        const again = await queue.add('crawl', { v: 2 }, { jobId: 'crawl:a/b' });
        const otherId = await queue.add('crawl', { v: 3 }, { jobId: 'crawl:a/c' });
        assert.equal(first.id, 'crawl:a/b');
        assert.equal(again.id, 'crawl:a/b');
        queue.handle('crawl', seen.handler);
        await queue.idle();
        assert.deepEqual(seen.jobs.map((job) => [job.id, job.data]), [['crawl:a/b', { v: 1 }], [otherId.id, { v: 3 }]]);
        await queue.add('crawl', { v: 4 }, { jobId: 'crawl:a/b' });
        await queue.idle();
        assert.deepEqual(seen.jobs.at(-1)?.data, { v: 4 });
      });
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

    test('a failing job does not stop the ones after it', async () => {
      await withQueue(open, async (queue) => {
        const seen: JsonValue[] = [];
        queue.handle('fragile', async (job: Job) => {
          if ((job.data as { fail: boolean }).fail) throw new Error('this job fails on purpose');
          seen.push(job.data);
        });
        await queue.add('fragile', { fail: true });
        await queue.add('fragile', { fail: false });
        await queue.idle();
        assert.deepEqual(seen, [{ fail: false }]);
      });
    });

    test('one handler per name', async () => {
      await withQueue(open, async (queue) => {
        queue.handle('once', async () => {});
        assert.throws(() => queue.handle('once', async () => {}), /already have a handler/);
      });
    });
  });
}
