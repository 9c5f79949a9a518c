// Tests that need a real server (DynamoDB Local, moto's S3, OpenSearch, Redis…)
// start it themselves on a free loopback port, wait until it answers, and stop it
// — and when it is not installed, either skip with one line saying why (a
// developer's plain `npm test`) or fail with that reason (CI sets
// MERIDIAN_REQUIRE_SERVICES=1, DESIGN.md §6). This module is that whole pattern,
// so each suite says only what to run and how to tell that it is up:
//
//   const missing = await pythonModuleMissing('moto.server');
//   serviceSuite('object store contract: moto S3', missing, () => {
//     let server: LoopbackProcess;
//     before(async () => {
//       const port = await freePort();
//       server = await startProcess('moto', 'python3', ['-m', 'moto.server', '-p', String(port)], { ready: { url: `http://127.0.0.1:${port}/` } });
//     }, { timeout: 90_000 });
//     after(() => server?.stop());
//     …cases…
//   });
import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

/** CI's switch: a server that cannot be found fails its suite instead of skipping it. */
export const servicesRequired = () => process.env.MERIDIAN_REQUIRE_SERVICES === '1';

/**
 * Defines the suite with `define` when `missing` is undefined. Otherwise one test
 * named `name` stands in for it: skipped with `missing` as the reason, or — when
 * services are required — failing with it.
 */
export function serviceSuite(name: string, missing: string | undefined, define: () => void): void {
  if (missing === undefined) define();
  else if (servicesRequired()) test(name, () => assert.fail(`${missing}; MERIDIAN_REQUIRE_SERVICES=1 requires it`));
  else test(name, { skip: missing }, () => {});
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** How to tell that the server is up: a TCP port that accepts, a URL that answers HTTP (any status), or a probe of one's own. */
export type Readiness = { port: number; host?: string } | { url: string } | { probe: () => Promise<unknown> };

export interface StartOptions {
  ready: Readiness;
  /** How long to wait for readiness; 60 s by default. */
  deadlineMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * 'pipe' keeps the child's stdin open for as long as this process lives, for
   * servers that exit when it closes (so they cannot outlive a test run that was
   * killed); 'ignore' by default.
   */
  stdin?: 'pipe' | 'ignore';
}

export interface LoopbackProcess {
  readonly child: ChildProcess;
  /** Everything it printed on stdout and stderr so far (the last 64 KiB). */
  output(): string;
  /** Ends its whole process group: SIGTERM, then SIGKILL after 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const running = new Set<ChildProcess>();

// A test file that ends without calling stop() (an assertion thrown in before())
// must not leave servers behind: kill what is left when this process exits.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function answers(ready: Readiness): Promise<void> {
  if ('probe' in ready) {
    await ready.probe();
  } else if ('url' in ready) {
    const response = await fetch(ready.url, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
  } else {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(ready.port, ready.host ?? '127.0.0.1');
      socket.setTimeout(5_000, () => socket.destroy(new Error('connection timed out')));
      socket.once('connect', () => { socket.end(); resolve(); });
      socket.once('error', reject);
    });
  }
}

const describeReady = (ready: Readiness) => ('probe' in ready ? 'its probe' : 'url' in ready ? ready.url : `127.0.0.1:${ready.port}`);

/**
 * Starts `command` in a process group of its own and resolves once it is ready.
 * Rejects — with the server's output in the message — when it exits first or
 * the deadline passes; the process is stopped then.
 */
export async function startProcess(name: string, command: string, args: string[], options: StartOptions): Promise<LoopbackProcess> {
  const spawnOptions: SpawnOptions = {
    detached: true,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  };
  const child = spawn(command, args, spawnOptions);
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // The pipes would otherwise keep this process's event loop alive after the tests.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  const exited = new Promise<void>((resolve) => child.once('close', () => { running.delete(child); resolve(); }));
  let failure: Error | undefined;
  child.once('error', (error) => { failure = error; });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && !failure) {
      child.stdin?.end();
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };
  const handle: LoopbackProcess = { child, output: () => output, stop };

  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  let last: unknown;
  for (;;) {
    if (failure) throw new Error(`${name} could not be started (${command}): ${failure.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it answered on ${describeReady(options.ready)}:\n${output}`);
    }
    try {
      await answers(options.ready);
      return handle;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer on ${describeReady(options.ready)} within ${options.deadlineMs ?? 60_000} ms (${String(last)}):\n${output}`);
    }
    await sleep(200);
  }
}

/** undefined when `python3` (or $PYTHON) can import `module`; otherwise why not, in one line. */
export async function pythonModuleMissing(module: string, python = process.env.PYTHON || 'python3'): Promise<string | undefined> {
  return await new Promise((resolve) => {
    const child = spawn(python, ['-c', `import ${module}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('error', (error) => resolve(`${python} is not available (${error.message})`));
    child.once('close', (code) => {
      if (code === 0) resolve(undefined);
      else resolve(`${python} cannot import ${module} (${stderr.trim().split('\n').at(-1) ?? `exit ${code}`})`);
    });
  });
}
