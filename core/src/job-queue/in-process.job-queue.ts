// The embedded job queue: jobs run in this process, on a later turn of the event
// loop so that `add` never waits for the work, with BullMQ's semantics (see the
// port): per-name concurrency, retries with exponential backoff, a failed set,
// deduplication ids that keep the last add made while a job runs, schedules.
// Nothing survives a restart — the price of needing no Redis; the indexer's
// crawl state, kept in the metadata store, is what makes a crawl resumable.
//
// Jobs without a handler wait for one (as BullMQ jobs wait for a worker), but in
// memory, so their number is bounded: past `maxWaiting` the oldest such job is
// dropped with a warning rather than letting memory grow without end.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.ts';
import {
  backoffDelay, FAILED_KEPT, type AddOptions, type FailedJob, type Job, type JobHandler, type JobQueue, type JobQueueOptions, type JsonValue,
} from './job-queue.port.ts';

export interface InProcessJobQueueOptions extends JobQueueOptions {
  logger: Logger;
  /** How many jobs may wait for a handler that is not registered yet (default 10 000). */
  maxWaiting?: number;
}

interface Entry {
  job: Job;
  deduplicationId?: string;
}

/** Where the one live job of a deduplication id is, and what was added while it ran. */
interface Deduplicated {
  jobId: string;
  state: 'waiting' | 'running';
  kept?: { name: string; data: JsonValue };
}

export class InProcessJobQueue implements JobQueue {
  readonly #logger: Logger;
  readonly #maxWaiting: number;
  readonly #concurrency: number;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #waiting: Entry[] = [];
  readonly #running = new Map<string, Set<Promise<void>>>();
  readonly #retrying = new Map<NodeJS.Timeout, Entry>();
  readonly #deduplicated = new Map<string, Deduplicated>();
  readonly #failed = new Map<string, FailedJob[]>();
  readonly #schedules = new Map<string, NodeJS.Timeout>();
  #scheduled = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: InProcessJobQueueOptions) {
    this.#logger = options.logger;
    this.#maxWaiting = options.maxWaiting ?? 10_000;
    this.#concurrency = options.concurrency ?? 1;
    this.#attempts = options.attempts ?? 5;
    this.#backoffMs = options.backoffMs ?? 1000;
  }

  async add(name: string, data: JsonValue, options: AddOptions = {}): Promise<{ id: string }> {
    if (this.#closed) throw new Error(`the job queue is closed; job ${name} was not added`);
    // A JSON copy, as a Redis-backed queue would hand the worker.
    const copy = JSON.parse(JSON.stringify(data)) as JsonValue;
    const key = options.deduplicationId;
    const live = key === undefined ? undefined : this.#deduplicated.get(key);
    if (live?.state === 'waiting') return { id: live.jobId };
    if (live?.state === 'running') {
      live.kept = { name, data: copy };
      return { id: live.jobId };
    }
    return { id: this.#enqueue(name, copy, key) };
  }

  handle<T extends JsonValue>(name: string, handler: JobHandler<T>): void {
    if (this.#handlers.has(name)) throw new Error(`jobs named ${name} already have a handler`);
    this.#handlers.set(name, handler as JobHandler);
    this.#schedule();
  }

  async schedule(name: string, id: string, everyMs: number, data: JsonValue): Promise<void> {
    await this.unschedule(name, id);
    const tick = () => void this.add(name, data, { deduplicationId: `schedule:${name}:${id}` }).catch(() => {});
    this.#schedules.set(`${name}\u0000${id}`, setInterval(tick, everyMs).unref());
    tick();
  }

  async unschedule(name: string, id: string): Promise<void> {
    const key = `${name}\u0000${id}`;
    clearInterval(this.#schedules.get(key));
    this.#schedules.delete(key);
  }

  async failed(name: string): Promise<FailedJob[]> {
    return [...(this.#failed.get(name) ?? [])];
  }

  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#schedules.values()) clearInterval(timer);
    for (const timer of this.#retrying.keys()) clearTimeout(timer);
    this.#retrying.clear();
    await Promise.all([...this.#running.values()].flatMap((set) => [...set]));
    this.#settleIdle();
  }

  #enqueue(name: string, data: JsonValue, deduplicationId: string | undefined): string {
    const job: Job = { id: randomUUID(), name, data, attempt: 1 };
    if (deduplicationId !== undefined) this.#deduplicated.set(deduplicationId, { jobId: job.id, state: 'waiting' });
    this.#waiting.push({ job, deduplicationId });
    this.#bound();
    this.#schedule();
    return job.id;
  }

  #runningCount(name: string): number {
    return this.#running.get(name)?.size ?? 0;
  }

  #isIdle(): boolean {
    if ([...this.#running.values()].some((set) => set.size > 0)) return false;
    if (this.#closed) return true;
    const handled = (entry: Entry) => this.#handlers.has(entry.job.name);
    return !this.#waiting.some(handled) && ![...this.#retrying.values()].some(handled);
  }

  #bound(): void {
    let unhandled = this.#waiting.filter((entry) => !this.#handlers.has(entry.job.name)).length;
    while (unhandled > this.#maxWaiting) {
      const index = this.#waiting.findIndex((entry) => !this.#handlers.has(entry.job.name));
      const [dropped] = this.#waiting.splice(index, 1);
      if (dropped.deduplicationId !== undefined) this.#deduplicated.delete(dropped.deduplicationId);
      unhandled--;
      this.#logger.warn({ job: dropped.job.name, jobId: dropped.job.id }, `dropped a job no handler took: more than ${this.#maxWaiting} were waiting`);
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#startRunnable();
    });
  }

  /** Starts, in the order they were added, every waiting job whose name has a handler and a free slot. */
  #startRunnable(): void {
    for (let i = 0; !this.#closed && i < this.#waiting.length;) {
      const entry = this.#waiting[i];
      if (!this.#handlers.has(entry.job.name) || this.#runningCount(entry.job.name) >= this.#concurrency) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      this.#run(entry);
    }
    this.#settleIdle();
  }

  #run(entry: Entry): void {
    const { job } = entry;
    const handler = this.#handlers.get(job.name) as JobHandler;
    const live = entry.deduplicationId === undefined ? undefined : this.#deduplicated.get(entry.deduplicationId);
    if (live) live.state = 'running';
    const set = this.#running.get(job.name) ?? new Set();
    this.#running.set(job.name, set);
    const run: Promise<void> = (async () => {
      try {
        await handler({ ...job, data: JSON.parse(JSON.stringify(job.data)) as JsonValue });
        this.#finish(entry);
      } catch (error) {
        this.#fail(entry, error);
      }
    })().finally(() => {
      set.delete(run);
      this.#schedule();
      this.#settleIdle();
    });
    set.add(run);
  }

  /** The job is done for good: its deduplication id is free, and what was added while it ran is queued now. */
  #finish(entry: Entry): void {
    if (entry.deduplicationId === undefined) return;
    const kept = this.#deduplicated.get(entry.deduplicationId)?.kept;
    this.#deduplicated.delete(entry.deduplicationId);
    if (kept && !this.#closed) this.#enqueue(kept.name, kept.data, entry.deduplicationId);
  }

  #fail(entry: Entry, error: unknown): void {
    const { job } = entry;
    const reason = error instanceof Error ? error.message : String(error);
    if (job.attempt < this.#attempts && !this.#closed) {
      const delay = backoffDelay(this.#backoffMs, job.attempt);
      this.#logger.warn({ err: error, job: job.name, jobId: job.id, attempt: job.attempt }, `job ${job.name} failed; trying again in ${delay} ms`);
      const live = entry.deduplicationId === undefined ? undefined : this.#deduplicated.get(entry.deduplicationId);
      if (live) live.state = 'waiting';
      const retry: Entry = { ...entry, job: { ...job, attempt: job.attempt + 1 } };
      const timer = setTimeout(() => {
        this.#retrying.delete(timer);
        this.#waiting.push(retry);
        this.#schedule();
      }, delay);
      this.#retrying.set(timer, retry);
      return;
    }
    this.#logger.error({ err: error, job: job.name, jobId: job.id, attempts: job.attempt }, `job ${job.name} failed`);
    const failed = this.#failed.get(job.name) ?? [];
    failed.unshift({ id: job.id, name: job.name, data: job.data, reason, attempts: job.attempt, failedAt: new Date().toISOString() });
    failed.length = Math.min(failed.length, FAILED_KEPT);
    this.#failed.set(job.name, failed);
    this.#finish(entry);
  }

  #settleIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
