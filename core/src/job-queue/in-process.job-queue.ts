// The embedded job queue: jobs run in this process, one at a time in the order
// they were added (BullMQ's default worker concurrency), on a later turn of the
// event loop so that `add` never waits for the work. A failed job is reported to
// the logger and the queue goes on; like BullMQ without `attempts`, it is not
// retried. Nothing survives a restart — the price of needing no Redis.
//
// Jobs without a handler wait for one (as BullMQ jobs wait for a worker), but in
// memory, so their number is bounded: past `maxWaiting` the oldest such job is
// dropped with a warning rather than letting memory grow without end.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.ts';
import type { AddOptions, Job, JobHandler, JobQueue, JsonValue } from './job-queue.port.ts';

export interface InProcessJobQueueOptions {
  logger: Logger;
  /** How many jobs may wait for a handler that is not registered yet (default 10 000). */
  maxWaiting?: number;
}

export class InProcessJobQueue implements JobQueue {
  readonly #logger: Logger;
  readonly #maxWaiting: number;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #waiting: Job[] = [];
  /** Ids of jobs waiting or running, for jobId de-duplication. */
  readonly #live = new Set<string>();
  #running: Promise<void> | undefined;
  #scheduled = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: InProcessJobQueueOptions) {
    this.#logger = options.logger;
    this.#maxWaiting = options.maxWaiting ?? 10_000;
  }

  async add(name: string, data: JsonValue, options: AddOptions = {}): Promise<{ id: string }> {
    if (this.#closed) throw new Error(`the job queue is closed; job ${name} was not added`);
    const id = options.jobId ?? randomUUID();
    if (this.#live.has(id)) return { id };
    // A JSON copy, as a Redis-backed queue would hand the worker.
    const job: Job = { id, name, data: JSON.parse(JSON.stringify(data)) as JsonValue };
    this.#waiting.push(job);
    this.#live.add(id);
    this.#bound();
    this.#schedule();
    return { id };
  }

  handle<T extends JsonValue>(name: string, handler: JobHandler<T>): void {
    if (this.#handlers.has(name)) throw new Error(`jobs named ${name} already have a handler`);
    this.#handlers.set(name, handler as JobHandler);
    this.#schedule();
  }

  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    this.#settleIdle();
  }

  #isIdle(): boolean {
    return this.#running === undefined && (this.#closed || !this.#waiting.some((job) => this.#handlers.has(job.name)));
  }

  #bound(): void {
    let unhandled = this.#waiting.filter((job) => !this.#handlers.has(job.name)).length;
    while (unhandled > this.#maxWaiting) {
      const index = this.#waiting.findIndex((job) => !this.#handlers.has(job.name));
      const [dropped] = this.#waiting.splice(index, 1);
      this.#live.delete(dropped.id);
      unhandled--;
      this.#logger.warn({ job: dropped.name, jobId: dropped.id }, `dropped a job no handler took: more than ${this.#maxWaiting} were waiting`);
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#runNext();
    });
  }

  #runNext(): void {
    const index = this.#closed ? -1 : this.#waiting.findIndex((job) => this.#handlers.has(job.name));
    if (index < 0) {
      this.#settleIdle();
      return;
    }
    const [job] = this.#waiting.splice(index, 1);
    const handler = this.#handlers.get(job.name) as JobHandler;
    this.#running = (async () => {
      try {
        await handler(job);
      } catch (error) {
        this.#logger.error({ err: error, job: job.name, jobId: job.id }, `job ${job.name} failed`);
      } finally {
        this.#live.delete(job.id);
      }
    })();
    void this.#running.then(() => {
      this.#running = undefined;
      this.#runNext();
    });
  }

  #settleIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
