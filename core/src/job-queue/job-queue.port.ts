// The job queue: work that one part of Meridian asks another to do later — the
// data proxy announces a changed repository, the indexer crawls it. One adapter
// runs the jobs in the process that adds them (in-process.job-queue.ts, the
// embedded default); the scale-out one is BullMQ on Redis, so the port is shaped
// as BullMQ's `Queue.add(name, data, { jobId })` and `Worker` processor are, and
// one contract suite (job-queue.contract.ts) holds every adapter to the same
// behaviour.
//
// Job data travels as JSON (BullMQ stores it in Redis): a handler receives a copy
// of what was added, never the object itself, and only JSON survives the trip.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AddOptions {
  /**
   * De-duplication, as BullMQ's jobId: while a job with this id is waiting or
   * running, adding another with the same id adds nothing and answers the
   * existing job's id. Without it every add is a new job with a generated id.
   */
  jobId?: string;
}

export interface Job<T extends JsonValue = JsonValue> {
  id: string;
  name: string;
  data: T;
}

/** Does the work of a job; a rejection marks the job failed (the adapter reports it, the queue goes on). */
export type JobHandler<T extends JsonValue = JsonValue> = (job: Job<T>) => Promise<void>;

export interface JobQueue {
  /** Queues a job; resolves once it is accepted (stored, for a durable adapter), not when it has run. */
  add(name: string, data: JsonValue, options?: AddOptions): Promise<{ id: string }>;
  /**
   * Registers the handler of jobs named `name` — one per name. Jobs added before
   * a handler exists wait for it, as BullMQ jobs wait for a worker.
   */
  handle<T extends JsonValue>(name: string, handler: JobHandler<T>): void;
  /** Resolves when no job that has a handler is waiting or running (tests; a graceful stop). */
  idle(): Promise<void>;
  /** Stops taking jobs; resolves once the running one, if any, has finished. */
  close(): Promise<void>;
}
