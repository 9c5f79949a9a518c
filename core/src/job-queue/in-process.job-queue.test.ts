// The job queue contract on the embedded in-process adapter, and what only it
// does: failures go to the logger, and jobs nobody handles are bounded.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { InProcessJobQueue } from './in-process.job-queue.ts';
import { jobQueueContract } from './job-queue.contract.ts';

/** A real pino logger whose lines are kept for inspection. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}

jobQueueContract('in-process', async (options) => new InProcessJobQueue({ logger: pino({ level: 'silent' }), ...options }));

test('in-process: a failed job is reported to the logger with its name and id', async () => {
  const { lines, logger } = capturingLogger();
  const queue = new InProcessJobQueue({ logger, attempts: 1 });
  queue.handle('boom', async () => { throw new Error('broken on purpose'); });
  const { id } = await queue.add('boom', {});
  await queue.idle();
  await queue.close();
  await new Promise((resolve) => setImmediate(resolve));
  const line = lines.find((l) => l.msg === 'job boom failed');
  assert.ok(line, JSON.stringify(lines));
  assert.equal(line.level, 50);
  assert.equal(line.jobId, id);
  assert.match(JSON.stringify(line.err), /broken on purpose/);
});

test('in-process: past maxWaiting, the oldest job without a handler is dropped with a warning', async () => {
  const { lines, logger } = capturingLogger();
  const queue = new InProcessJobQueue({ logger, maxWaiting: 2 });
  for (let n = 1; n <= 4; n++) await queue.add('unhandled', { n });
  const seen: unknown[] = [];
  queue.handle('unhandled', async (job) => void seen.push(job.data));
  await queue.idle();
  await queue.close();
  assert.deepEqual(seen, [{ n: 3 }, { n: 4 }]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.filter((l) => l.level === 40 && /dropped a job/.test(String(l.msg))).length, 2);
});

test('in-process: after close, add is refused and idle resolves', async () => {
  const queue = new InProcessJobQueue({ logger: pino({ level: 'silent' }) });
  await queue.add('never', {});
  queue.handle('other', async () => {});
  await queue.close();
  await queue.idle();
  await assert.rejects(queue.add('never', {}), /closed/);
});
