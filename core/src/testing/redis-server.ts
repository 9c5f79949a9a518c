// Debian's redis-server for tests, on a free loopback port (loopback-server.ts):
// started by the test itself, with its append-only file in a directory of the
// test's when it must survive a restart (the fault tests restart it mid-crawl).
import { spawnSync } from 'node:child_process';
import { freePort, startProcess, type LoopbackProcess } from './loopback-server.ts';

/** undefined when redis-server can be run; otherwise why not, in one line. */
export function redisServerMissing(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error || probe.status !== 0 ? 'redis-server is not installed (apt-get install -y redis-server)' : undefined;
}

export interface TestRedis {
  url: string;
  port: number;
  process: LoopbackProcess;
  /** Stops it and starts it again on the same port (and append-only file, when it has one). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis on 127.0.0.1; with `dir`, durable there (appendonly, fsync always) so that a restart keeps every job. */
export async function startRedis(options: { dir?: string; port?: number } = {}): Promise<TestRedis> {
  const port = options.port ?? await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    ...(options.dir ? ['--dir', options.dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  const start = () => startProcess('redis-server', 'redis-server', args, { ready: { port }, stdin: 'pipe' });
  const redis: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: await start(),
    async restart() {
      await redis.process.stop();
      redis.process = await start();
    },
    stop: () => redis.process.stop(),
  };
  return redis;
}
