// What the benchmarks that drive a whole Meridian share: `npm start`
// (api/src/main.ts) in a child process on loopback, so its memory and CPU are
// its own; a management-API session of the admin it was started with; and the
// child's resident memory and CPU time, read from /proc (Linux).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, type LoopbackProcess } from '../core/src/testing/loopback-server.ts';
import { REPO } from './bench-report.ts';

const ADMIN = { email: 'bench@example.org', password: 'a bench admin password' };

export interface BenchServer { process: LoopbackProcess; url: string; pid: number }

/** Meridian with its data under `dataDir`, the bench admin, warnings only; `env` adds to (or overrides) that. */
export async function startMeridian(dataDir: string, options: { env?: NodeJS.ProcessEnv; deadlineMs?: number } = {}): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess('meridian', process.execPath, [join(REPO, 'api/src/main.ts')], {
    cwd: REPO,
    env: {
      ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
      ...options.env,
    },
    ready: { url: `${url}/stac/` },
    stdin: 'pipe',
    deadlineMs: options.deadlineMs,
  });
  return { process: child, url, pid: child.child.pid as number };
}

/** Runs `work` against the server and stops it, whatever happens; a failure prints the server's output first, where the cause usually is. */
export async function withServer<T>(server: BenchServer, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    process.stderr.write(`${server.process.output()}\n`);
    throw error;
  } finally {
    await server.process.stop();
  }
}

export interface AdminSession {
  url: string;
  /** For a management-API write: JSON body, the session cookie and its CSRF token. */
  headers: Record<string, string>;
}

/** Signs in as the admin `startMeridian` created. */
export async function adminSession(url: string): Promise<AdminSession> {
  const response = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (response.status !== 201) throw new Error(`signing in as the bench admin: HTTP ${response.status} ${await response.text()}`);
  const { csrfToken } = await response.json() as { csrfToken: string };
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { url, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken } };
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const statusBytes = (pid: number, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status(pid))?.[1] ?? NaN) * 1024;

/** Resident set size in bytes. */
export const rss = (pid: number) => statusBytes(pid, 'VmRSS');

/** The kernel's high-water mark of the resident set (VmHWM) since the last `resetPeakRss`. */
export const peakRss = (pid: number) => statusBytes(pid, 'VmHWM');

/** Resets VmHWM by writing 5 to clear_refs (Linux ≥ 4.0); false where that is refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) the process has used: fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
