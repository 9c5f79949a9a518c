// Wiring: the job queue the configuration asks for — BullMQ on Redis when
// REDIS_URL is set (scale-out: the api adds jobs, `npm run indexer` processes run
// them), otherwise the in-process queue of the embedded default, where the api
// process runs the indexer's handlers itself.
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { BullMqJobQueue } from './bullmq.job-queue.ts';
import { InProcessJobQueue } from './in-process.job-queue.ts';
import type { JobQueue } from './job-queue.port.ts';

export function openJobQueue(config: Pick<Config, 'queue'>, logger: Logger): JobQueue {
  const { redisUrl, concurrency, attempts, backoffMs, lockMs } = config.queue;
  return redisUrl
    ? new BullMqJobQueue({ redisUrl: redisUrl.href, logger, concurrency, attempts, backoffMs, lockDurationMs: lockMs })
    : new InProcessJobQueue({ logger, concurrency, attempts, backoffMs });
}
