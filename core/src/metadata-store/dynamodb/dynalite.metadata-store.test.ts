// The metadata store contract on the embedded default — dynalite in-process, data
// in LevelDB — each case on a fresh data directory; plus what only the embedded
// store promises: data survives a restart, and one data directory has one owner.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Account } from '../../accounts/accounts.types.ts';
import { metadataStoreContract } from '../metadata-store.contract.ts';
import { openMetadataStore } from '../open-metadata-store.ts';
import { dynamoDbAdapterCases } from './dynamodb.adapter-cases.ts';
import { DynamoDbMetadataStore, LOCAL_CREDENTIALS } from './dynamodb.metadata-store.ts';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-dynalite-'));
let opened = 0;
const freshDataDir = () => join(root, `data-${++opened}`);

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openEmbedded(dataDir: string, now?: () => number) {
  const server = await startEmbeddedDynamoDb({ dataDir });
  const store = new DynamoDbMetadataStore({ endpoint: server.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, tablePrefix: 'meridian', now });
  return {
    store,
    async close() {
      await store.close();
      await server.close();
    },
  };
}

metadataStoreContract('dynalite', () => openEmbedded(freshDataDir()));
dynamoDbAdapterCases('dynalite', ({ now }) => openEmbedded(freshDataDir(), now), { ttl: false });

const config = (dataDir: string) => ({
  dataDir,
  metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' as const },
});

test('dynalite: everything written before a restart is there after it, under DATA_DIR/metadata', async () => {
  const dataDir = freshDataDir();
  const ada: Account = {
    id: 'ada', type: 'individual', profile: { name: 'Ada' }, flags: { admin: true, createRepositories: true, createOrganizations: true },
    email: 'ada@example.org', disabled: false, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const repository = {
    accountId: 'ada', repositoryId: 'temperature', title: 'Temperature', description: '', tags: ['climate'], visibility: 'public' as const,
    state: 'published' as const, disabled: false, featured: false, dataConnectionId: 'default', prefix: 'ada/temperature/',
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const session = { idHash: 's'.repeat(64), accountId: 'ada', csrfToken: 'csrf', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() };

  const first = await openMetadataStore(config(dataDir));
  try {
    await first.store.createAccount(ada);
    await first.store.setPasswordHash('ada', 'hash');
    await first.store.createSession(session);
    assert.equal(await first.store.countAttempt('login:ada', 3600), 1);
    await first.store.createRepository(repository);
    await first.store.createRepository({ ...repository, repositoryId: 'deleted' });
    await first.store.deleteRepository('ada', 'deleted');
    await first.store.createMembership({ resource: 'sea-lab', memberId: 'ada', role: 'owners', state: 'member', invitedBy: 'ada', createdAt: ada.createdAt, updatedAt: ada.updatedAt });
    await first.store.createApiKey({ accessKeyId: 'MRDN0000000000000001', accountId: 'ada', name: 'k', secretCiphertext: 'c', revoked: false, createdAt: ada.createdAt });
    await first.store.revokeApiKey('MRDN0000000000000001');
  } finally {
    await first.close();
  }

  const second = await openMetadataStore(config(dataDir));
  try {
    const { store } = second;
    assert.deepEqual(await store.getAccount('ada'), ada);
    assert.deepEqual(await store.getAccountByEmail('ada@example.org'), ada);
    assert.equal(await store.hasAccounts(), true);
    assert.equal(await store.getPasswordHash('ada'), 'hash');
    assert.deepEqual(await store.getSession(session.idHash), session);
    assert.equal(await store.countAttempt('login:ada', 3600), 2, 'the counter goes on');
    assert.deepEqual(await store.getRepository('ada', 'temperature'), repository);
    assert.equal(await store.getRepository('ada', 'deleted'), undefined, 'a delete survives too');
    assert.deepEqual((await store.listRepositories({ limit: 10 })).items, [repository], 'the all-repositories index survives');
    assert.deepEqual((await store.listMembershipsFor('ada', { limit: 10 })).items.map((m) => m.resource), ['sea-lab'], 'the by-member index survives');
    assert.equal((await store.getApiKey('MRDN0000000000000001'))?.revoked, true);
    // Uniqueness still holds against what was written before the restart.
    await assert.rejects(store.createAccount({ ...ada, id: 'ada-two' }), /email/);
    await assert.rejects(store.createRepository(repository), /already exists/);
  } finally {
    await second.close();
  }
});

test('dynalite: a data directory in use by a running store is refused with a clear message', async () => {
  const dataDir = freshDataDir();
  const running = await openMetadataStore(config(dataDir));
  try {
    let second: Awaited<ReturnType<typeof startEmbeddedDynamoDb>> | undefined;
    try {
      await assert.rejects(async () => {
        second = await startEmbeddedDynamoDb({ dataDir });
      }, /in use by another process/);
    } finally {
      await second?.close();
    }
    assert.equal(await running.store.hasAccounts(), false, 'the running store is unharmed');
  } finally {
    await running.close();
  }
});
