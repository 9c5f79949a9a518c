// The scale-out job queue: BullMQ on Redis (REDIS_URL). Jobs of each name live in
// a BullMQ queue of that name, under the key prefix `prefix` (default
// `meridian`), so an api process that only adds jobs and indexer processes that
// run them share the work through Redis, and a job added while no worker runs
// waits for one.
//
// The port's semantics map onto BullMQ's own: retries are `attempts` with an
// exponential `backoff`; the failed set is BullMQ's (kept to the last 1000 per
// name), each with its `failedReason`; deduplication ids are BullMQ's
// `deduplication: { id, keepLastIfActive: true }`; schedules are job schedulers
// (`upsertJobScheduler` with `every`), stored in Redis so that many processes
// scheduling the same id make one job per interval; `Worker.close()` waits for
// the running jobs. A worker that dies mid-job holds its lock for `lockDurationMs`;
// then BullMQ's stalled-job check gives the job to another worker (or to the same
// one restarted), and it counts as a try.
import { Queue, Worker, type ConnectionOptions, type Job as BullJob } from 'bullmq';
import type { Logger } from '../logging/logger.ts';
import { FAILED_KEPT, type AddOptions, type FailedJob, type JobHandler, type JobQueue, type JobQueueOptions, type JsonValue } from './job-queue.port.ts';

export interface BullMqJobQueueOptions extends JobQueueOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  redisUrl: string;
  logger: Logger;
  /** Redis key prefix; distinct prefixes are distinct queues on one Redis (default `meridian`). */
  prefix?: string;
  /** How long a running job's lock lasts without renewal: how soon a dead worker's job is taken up again (default 30 s). */
  lockDurationMs?: number;
}

/** The URL as ioredis options; BullMQ opens its own connections from them. Workers wait for Redis however long it is away. */
function connectionOf(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Job states that are work still to do; read in one atomic call, so a job moving between them is never missed. */
const PENDING_STATES = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export class BullMqJobQueue implements JobQueue {
  readonly #logger: Logger;
  readonly #connection: ConnectionOptions;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #lockDurationMs: number;
  readonly #queues = new Map<string, Queue>();
  readonly #workers = new Map<string, Worker>();
  #closed = false;

  constructor(options: BullMqJobQueueOptions) {
    this.#logger = options.logger;
    this.#connection = connectionOf(options.redisUrl);
    this.#prefix = options.prefix ?? 'meridian';
    this.#concurrency = options.concurrency ?? 1;
    this.#attempts = options.attempts ?? 5;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#lockDurationMs = options.lockDurationMs ?? 30_000;
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.#connection,
        prefix: this.#prefix,
        defaultJobOptions: {
          attempts: this.#attempts,
          backoff: { type: 'exponential', delay: this.#backoffMs },
          removeOnComplete: true,
          removeOnFail: { count: FAILED_KEPT },
        },
      });
      queue.on('error', (error) => this.#logger.error({ err: error, queue: name }, 'job queue connection error'));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async add(name: string, data: JsonValue, options: AddOptions = {}): Promise<{ id: string }> {
    if (this.#closed) throw new Error(`the job queue is closed; job ${name} was not added`);
    const job = await this.#queue(name).add(name, data, options.deduplicationId === undefined
      ? {}
      : { deduplication: { id: options.deduplicationId, keepLastIfActive: true } });
    return { id: String(job.id) };
  }

  handle<T extends JsonValue>(name: string, handler: JobHandler<T>): void {
    if (this.#workers.has(name)) throw new Error(`jobs named ${name} already have a handler`);
    this.#queue(name);
    const worker = new Worker(name, async (job: BullJob) => {
      await handler({ id: String(job.id), name: job.name, data: job.data as T, attempt: job.attemptsMade + 1 });
    }, {
      connection: this.#connection,
      prefix: this.#prefix,
      concurrency: this.#concurrency,
      lockDuration: this.#lockDurationMs,
      stalledInterval: Math.min(30_000, this.#lockDurationMs),
      // A job found stalled (its worker died) is tried again, counting as a try, rather than failed at once.
      maxStalledCount: this.#attempts,
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= this.#attempts;
      const fields = { err: error, job: name, jobId: job.id, attempt: job.attemptsMade };
      if (final) this.#logger.error(fields, `job ${name} failed`);
      else this.#logger.warn(fields, `job ${name} failed; trying again after a backoff`);
    });
    worker.on('error', (error) => this.#logger.error({ err: error, queue: name }, 'job worker error'));
    this.#workers.set(name, worker);
  }

  async schedule(name: string, id: string, everyMs: number, data: JsonValue): Promise<void> {
    await this.#queue(name).upsertJobScheduler(id, { every: everyMs }, { name, data });
  }

  async unschedule(name: string, id: string): Promise<void> {
    await this.#queue(name).removeJobScheduler(id);
  }

  async failed(name: string): Promise<FailedJob[]> {
    const jobs = await this.#queue(name).getFailed(0, FAILED_KEPT - 1);
    return jobs.filter(Boolean).map((job) => ({
      id: String(job.id),
      name: job.name,
      data: job.data as JsonValue,
      reason: job.failedReason,
      attempts: job.attemptsMade,
      failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
    }));
  }

  /**
   * Polls Redis: jobs of the handled names waiting, running, or delayed for a
   * retry. Each schedule keeps its next iteration as a delayed job, which is not
   * work to wait for: one delayed job per schedule is left out.
   */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      let pending = 0;
      for (const name of this.#workers.keys()) {
        const queue = this.#queue(name);
        const { delayed, ...counts } = await queue.getJobCounts(...PENDING_STATES);
        const schedules = await queue.getJobSchedulersCount();
        pending += Object.values(counts).reduce((sum, count) => sum + count, 0) + Math.max(0, delayed - schedules);
      }
      if (pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#workers.values()].map((worker) => worker.close()));
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
  }
}
