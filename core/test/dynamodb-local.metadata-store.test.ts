// The metadata store contract on DynamoDB Local (Amazon's own emulator, from
// Maven Central), the closest thing to Amazon DynamoDB that runs offline. The test
// starts it in memory on a free loopback port, gives every case a fresh table
// prefix, and stops it. `bash scripts/dynamodb-local.sh` fetches it; without it
// the suite is skipped, unless MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbAdapterCases } from '../src/metadata-store/dynamodb/dynamodb.adapter-cases.ts';
import { DynamoDbMetadataStore, LOCAL_CREDENTIALS } from '../src/metadata-store/dynamodb/dynamodb.metadata-store.ts';
import { metadataStoreContract } from '../src/metadata-store/metadata-store.contract.ts';

const dir = process.env.MERIDIAN_DYNAMODB_LOCAL_DIR
  || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meridian', 'dynamodb-local');
const lib = join(dir, 'DynamoDBLocal_lib');
const files = [join(dir, 'DynamoDBLocal.jar'), join(dir, 'launcher', 'LoopbackServerRunner.class'), join(lib, 'libsqlite4java-linux-amd64.so')];
const required = process.env.MERIDIAN_REQUIRE_SERVICES === '1';
const missing = files.some((file) => !existsSync(file))
  ? `DynamoDB Local is not installed in ${dir} (run bash scripts/dynamodb-local.sh)`
  : undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let java: ChildProcess | undefined;
let endpoint = '';
let output = '';

async function start(): Promise<void> {
  const port = await freePort();
  // -inMemory: nothing on disk; -disableTelemetry: it would otherwise try to phone home.
  // The launcher binds 127.0.0.1 only (DynamoDB Local itself has no such option) and
  // exits when its stdin closes, so it cannot outlive this process.
  java = spawn('java', [
    `-Djava.library.path=${lib}`, '-Xmx512m',
    '-cp', [join(dir, 'launcher'), join(dir, 'DynamoDBLocal.jar'), join(lib, '*')].join(':'),
    'LoopbackServerRunner', '-inMemory', '-disableTelemetry', '-port', String(port),
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
  java.stdout?.on('data', (chunk) => { output += chunk; });
  java.stderr?.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<never>((_, reject) => {
    java?.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}) before answering:\n${output}`)));
    java?.once('error', reject);
  });
  exited.catch(() => {});
  endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await Promise.race([client.send(new ListTablesCommand({})), exited]);
        return;
      } catch (error) {
        if (java.exitCode !== null || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stop(): Promise<void> {
  const child = java;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

let prefixes = 0;

async function openStore(now?: () => number) {
  // A fresh prefix gives each case tables of its own on the one server.
  const store = new DynamoDbMetadataStore({
    endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, tablePrefix: `case${++prefixes}`, now,
  });
  return { store, close: () => store.close() };
}

if (missing && !required) {
  test('metadata store contract: DynamoDB Local', { skip: missing }, () => {});
} else if (missing) {
  test('metadata store contract: DynamoDB Local', () => assert.fail(`${missing}; MERIDIAN_REQUIRE_SERVICES=1 requires it`));
} else {
  before(start, { timeout: 90_000 });
  after(stop);
  metadataStoreContract('DynamoDB Local', () => openStore());
  dynamoDbAdapterCases('DynamoDB Local', ({ now }) => openStore(now), { ttl: true });
}
