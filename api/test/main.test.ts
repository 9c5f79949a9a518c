// `npm start` as a process: configuration errors stop it with a message naming
// the variable; a good configuration serves the STAC API.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const main = new URL('../src/main.ts', import.meta.url).pathname;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('an invalid variable stops start-up with a message naming it', async () => {
  const server = run({ PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'meridian-main-')) });
  assert.equal(await server.exited, 78);
  assert.match(server.output().stderr, /PORT="eighty" is invalid: expected a TCP port/);
});

test('it starts on the embedded defaults, logs JSON with request ids, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-main-'));
  const server = run({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/[\d.]+:\d+)\//.exec(server.output().stdout);
      if (match) { clearInterval(timer); resolve(match[1]); }
    }, 50);
    server.exited.then(() => { clearInterval(timer); reject(new Error(`exited early: ${server.output().stderr}`)); });
  });
  const response = await fetch(`${url}/stac/`, { headers: { 'x-request-id': 'trace-me-1' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-request-id'), 'trace-me-1');
  assert.equal(((await response.json()) as { type: string }).type, 'Catalog');
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  const lines = server.output().stdout.trim().split('\n').map((line) => JSON.parse(line) as { req?: { id?: string } });
  assert.ok(lines.some((line) => line.req?.id === 'trace-me-1'), 'the request is logged with its id');
  const secret = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  assert.ok(!server.output().stdout.includes(secret), 'the generated admin token is never logged');
});
