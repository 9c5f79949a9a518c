// The metadata store contract on DynamoDB Local (Amazon's own emulator, from
// Maven Central), the closest thing to Amazon DynamoDB that runs offline. The test
// starts it in memory on a free loopback port, gives every case a fresh table
// prefix, and stops it. `bash scripts/dynamodb-local.sh` fetches it; without it
// the suite is skipped, unless MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbAdapterCases } from '../src/metadata-store/dynamodb/dynamodb.adapter-cases.ts';
import { DynamoDbMetadataStore, LOCAL_CREDENTIALS } from '../src/metadata-store/dynamodb/dynamodb.metadata-store.ts';
import { metadataStoreContract } from '../src/metadata-store/metadata-store.contract.ts';
import { freePort, serviceSuite, startProcess, type LoopbackProcess } from '../src/testing/loopback-server.ts';

const dir = process.env.MERIDIAN_DYNAMODB_LOCAL_DIR
  || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meridian', 'dynamodb-local');
const lib = join(dir, 'DynamoDBLocal_lib');
const files = [join(dir, 'DynamoDBLocal.jar'), join(dir, 'launcher', 'LoopbackServerRunner.class'), join(lib, 'libsqlite4java-linux-amd64.so')];
const missing = files.some((file) => !existsSync(file))
  ? `DynamoDB Local is not installed in ${dir} (run bash scripts/dynamodb-local.sh)`
  : undefined;

let java: LoopbackProcess | undefined;
let endpoint = '';

async function start(): Promise<void> {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    // -inMemory: nothing on disk; -disableTelemetry: it would otherwise try to phone home.
    // The launcher binds 127.0.0.1 only (DynamoDB Local itself has no such option) and
    // exits when its stdin closes, so it cannot outlive this process.
    java = await startProcess('DynamoDB Local', 'java', [
      `-Djava.library.path=${lib}`, '-Xmx512m',
      '-cp', [join(dir, 'launcher'), join(dir, 'DynamoDBLocal.jar'), join(lib, '*')].join(':'),
      'LoopbackServerRunner', '-inMemory', '-disableTelemetry', '-port', String(port),
    ], { stdin: 'pipe', ready: { probe: () => client.send(new ListTablesCommand({})) } });
  } finally {
    client.destroy();
  }
}

let prefixes = 0;

async function openStore(now?: () => number) {
  // A fresh prefix gives each case tables of its own on the one server.
  const store = new DynamoDbMetadataStore({
    endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, tablePrefix: `case${++prefixes}`, now,
  });
  return { store, close: () => store.close() };
}

serviceSuite('metadata store contract: DynamoDB Local', missing, () => {
  before(start, { timeout: 90_000 });
  after(() => java?.stop());
  metadataStoreContract('DynamoDB Local', () => openStore());
  dynamoDbAdapterCases('DynamoDB Local', ({ now }) => openStore(now), { ttl: true });
});
