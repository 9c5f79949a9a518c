// The job queue: work that one part of Meridian asks another to do later — the
// data proxy announces a changed repository, the indexer crawls it. One adapter
// runs the jobs in the process that adds them (in-process.job-queue.ts, the
// embedded default); the scale-out one is BullMQ on Redis (bullmq.job-queue.ts).
// The port is shaped as BullMQ's `Queue.add(name, data, opts)` and `Worker`
// processor are, and one contract suite (job-queue.contract.ts) holds every
// adapter to the same behaviour:
//
// - jobs of one name run on that name's handler, at most `concurrency` at once,
//   in the order they were added;
// - a job whose handler rejects is tried again after an exponential backoff
//   (`backoffMs`, 2×, 4×, …) until `attempts` tries have failed; then it goes to
//   the failed set with the reason of its last failure, and the queue goes on;
// - jobs with a deduplication id are idempotent: at most one waits and at most
//   one runs per id, so two jobs with one id never run at the same time;
// - `close` is graceful: it stops taking jobs and waits for the running ones.
//
// Job data travels as JSON (BullMQ stores it in Redis): a handler receives a copy
// of what was added, never the object itself, and only JSON survives the trip.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JobQueueOptions {
  /** How many jobs of one name run at once in this process (default 1). */
  concurrency?: number;
  /** Tries per job, the first included (default 5). */
  attempts?: number;
  /** Wait before the second try; each later wait doubles (default 1000 ms). */
  backoffMs?: number;
}

export interface AddOptions {
  /**
   * Idempotence, as BullMQ's `deduplication: { id, keepLastIfActive: true }`: while a
   * job with this id waits (for its first try or for a retry), adding another adds
   * nothing and answers the waiting job's id. While one runs, the last add is kept
   * and queued when the running one has finished — a change announced during a
   * crawl is crawled after it, never beside it. Without it every add is a new job.
   */
  deduplicationId?: string;
}

export interface Job<T extends JsonValue = JsonValue> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
}

/** A job that failed every try, with why its last one failed. */
export interface FailedJob {
  id: string;
  name: string;
  data: JsonValue;
  reason: string;
  attempts: number;
  failedAt: string;
}

/** Does the work of a job; a rejection fails the try (retried, or failed for good after the last). */
export type JobHandler<T extends JsonValue = JsonValue> = (job: Job<T>) => Promise<void>;

export interface JobQueue {
  /** Queues a job; resolves once it is accepted (stored, for a durable adapter), not when it has run. */
  add(name: string, data: JsonValue, options?: AddOptions): Promise<{ id: string }>;
  /**
   * Registers the handler of jobs named `name` — one per name. Jobs added before
   * a handler exists wait for it, as BullMQ jobs wait for a worker.
   */
  handle<T extends JsonValue>(name: string, handler: JobHandler<T>): void;
  /**
   * Adds a job named `name` with `data` every `everyMs` milliseconds (the first
   * one at once) until unscheduled; the schedule `id` is unique per name —
   * scheduling it again replaces it. With BullMQ the schedule lives in Redis: one job per
   * interval however many processes schedule it.
   */
  schedule(name: string, id: string, everyMs: number, data: JsonValue): Promise<void>;
  unschedule(name: string, id: string): Promise<void>;
  /** The failed set of jobs named `name`, most recent first (at most the last 1000). */
  failed(name: string): Promise<FailedJob[]>;
  /** Resolves when no job that has a handler here is waiting, retrying or running (tests; a graceful stop). */
  idle(): Promise<void>;
  /** Stops taking jobs; resolves once the running ones have finished. */
  close(): Promise<void>;
}

/** The wait before try `attempt + 1` after try `attempt` failed: backoffMs, 2×, 4×, … as BullMQ's exponential backoff. */
export const backoffDelay = (backoffMs: number, attempt: number) => backoffMs * 2 ** (attempt - 1);

/** How many failed jobs a queue keeps per name. */
export const FAILED_KEPT = 1000;
