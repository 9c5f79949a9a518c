// `npm start` as a process: configuration errors stop it with a message naming
// the variable; a good configuration serves the STAC API.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The URL the server logs once it listens. */
function listening(server: ReturnType<typeof run>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/[\d.]+:\d+)\//.exec(server.output().stdout);
      if (match) { clearInterval(timer); resolve(match[1]); }
    }, 50);
    server.exited.then(() => { clearInterval(timer); reject(new Error(`exited early: ${server.output().stderr}`)); });
  });
}

async function signIn(url: string, email: string, password: string): Promise<number> {
  return (await openSession(url, email, password)).status;
}

async function openSession(url: string, email: string, password: string) {
  const reply = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await reply.json()) as { csrfToken?: string };
  return { status: reply.status, cookie: reply.headers.getSetCookie()[0]?.split(';')[0] ?? '', csrfToken: body.csrfToken ?? '' };
}

test('the first admin: a warning while none exists, created from configuration on an empty store, not on one with accounts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-main-'));
  const password = 'first admin password 1';
  const passwordFile = join(dataDir, 'admin-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const logs: string[] = [];

  const bare = run({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  await listening(bare);
  bare.child.kill('SIGTERM');
  assert.equal(await bare.exited, 0);
  const warning = bare.output().stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => /no admin account exists/.test(line.msg));
  assert.equal(warning?.level, 40, 'a warning says that no admin exists');

  const configured = run({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD_FILE: passwordFile });
  const url = await listening(configured);
  assert.match(configured.output().stdout, /created the first admin account/);
  const session = await openSession(url, 'root@example.org', password);
  assert.equal(session.status, 201);
  const signOut = await fetch(`${url}/api/v1/session`, { method: 'DELETE', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
  assert.equal(signOut.status, 204);
  configured.child.kill('SIGTERM');
  assert.equal(await configured.exited, 0);
  logs.push(configured.output().stdout, configured.output().stderr);

  const again = run({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ADMIN_EMAIL: 'other@example.org', ADMIN_PASSWORD: 'another admin password' });
  const url2 = await listening(again);
  assert.doesNotMatch(again.output().stdout, /created the first admin|no admin account exists/);
  assert.equal(await signIn(url2, 'other@example.org', 'another admin password'), 401, 'no second admin on a store that has accounts');
  assert.equal(await signIn(url2, 'root@example.org', password), 201, 'the data survived the restart');
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
  logs.push(again.output().stdout, again.output().stderr);
  for (const log of logs) {
    assert.ok(!log.includes(password) && !log.includes('another admin password'), 'passwords are never logged');
    assert.ok(!log.includes(session.cookie.split('=')[1]) && !log.includes(session.csrfToken), 'session secrets and CSRF tokens are never logged');
  }
});
