// What the DynamoDB adapter promises beyond the port, run on every engine that
// serves it (dynalite, DynamoDB Local): the tables and indexes ensureTables makes,
// TTL attributes, the cursor format, and the recovery of an email claim left
// behind by a process that died between its two writes.
import assert from 'node:assert/strict';
import { DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, test } from 'node:test';
import type { Account } from '../../accounts/accounts.types.ts';
import { ConflictError } from '../../errors.ts';
import type { DynamoDbMetadataStore } from './dynamodb.metadata-store.ts';
import { TABLES } from './dynamodb.tables.ts';

export interface OpenedDynamoDbStore {
  store: DynamoDbMetadataStore;
  close(): Promise<void>;
}

/** `now` moves the store's clock; each open() gets empty or missing tables. */
type Open = (options: { now?: () => number }) => Promise<OpenedDynamoDbStore>;

const account = (id: string, email: string): Account => ({
  id,
  type: 'individual',
  profile: { name: id },
  flags: { admin: false, createRepositories: true, createOrganizations: false },
  email,
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

async function withStore(open: Open, options: { now?: () => number }, run: (store: DynamoDbMetadataStore) => Promise<void>) {
  const opened = await open(options);
  try {
    await opened.store.ensureTables();
    await run(opened.store);
  } finally {
    await opened.close();
  }
}

export interface EngineTraits {
  /** The engine implements UpdateTimeToLive (dynalite does not). */
  ttl: boolean;
}

export function dynamoDbAdapterCases(name: string, open: Open, traits: EngineTraits): void {
  describe(`DynamoDB adapter: ${name}`, () => {
    test('ensureTables makes every table with its key schema and indexes, ACTIVE', async () => {
      await withStore(open, {}, async (store) => {
        for (const [table, definition] of Object.entries(TABLES)) {
          const { Table } = await store.client.send(new DescribeTableCommand({ TableName: store.tables[table as keyof typeof TABLES] }));
          assert.equal(Table?.TableStatus, 'ACTIVE', table);
          assert.equal(Table?.TableName, `${store.tables.accounts.slice(0, -'-accounts'.length)}-${table}`);
          assert.deepEqual(Table?.KeySchema?.map((k) => k.AttributeName), [definition.partitionKey, ...('sortKey' in definition ? [definition.sortKey] : [])], table);
          const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => `${i.IndexName}:${i.KeySchema?.map((k) => k.AttributeName).join('+')}:${i.IndexStatus}`);
          const expected = ('indexes' in definition ? definition.indexes : []).map((i) => `${i.name}:${i.partitionKey}+${i.sortKey}:ACTIVE`);
          assert.deepEqual(indexes, expected, table);
        }
      });
    });

    test(`TTL is ${traits.ttl ? 'enabled' : 'left off (unsupported)'} on the sessions and attempts tables`, async () => {
      await withStore(open, {}, async (store) => {
        for (const table of ['sessions', 'attempts'] as const) {
          const { TimeToLiveDescription } = await store.client.send(new DescribeTimeToLiveCommand({ TableName: store.tables[table] }));
          if (traits.ttl) {
            assert.equal(TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED', table);
            assert.equal(TimeToLiveDescription?.AttributeName, 'ttl', table);
          } else {
            assert.equal(TimeToLiveDescription?.TimeToLiveStatus, 'DISABLED', table);
          }
        }
        await store.ensureTables(); // enabling it again is not an error
      });
    });

    test('sessions and attempt counters carry a TTL attribute in epoch seconds', async () => {
      await withStore(open, {}, async (store) => {
        const expiresAt = new Date(Date.now() + 3_600_000);
        await store.createSession({ idHash: 'h'.repeat(64), accountId: 'ada', csrfToken: 'c', createdAt: new Date().toISOString(), expiresAt: expiresAt.toISOString() });
        const { Item } = await store.client.send(new GetItemCommand({ TableName: store.tables.sessions, Key: { idHash: { S: 'h'.repeat(64) } } }));
        assert.equal(Number(Item?.ttl?.N), Math.ceil(expiresAt.getTime() / 1000));
        await store.countAttempt('login:ada', 60);
        const { Items } = await store.client.send(new ScanCommand({ TableName: store.tables.attempts }));
        assert.equal(Items?.length, 1);
        const ttl = Number(Items?.[0]?.ttl?.N);
        assert.ok(ttl > Date.now() / 1000 && ttl <= Date.now() / 1000 + 60 + 61, `the counter expires after its window (ttl ${ttl})`);
      });
    });

    test('a cursor is the key of the last item listed, as base64url JSON', async () => {
      await withStore(open, {}, async (store) => {
        for (const id of ['aaa', 'bbb', 'ccc']) await store.createAccount({ ...account(id, `${id}@example.org`) });
        const page = await store.listAccounts({ limit: 1 });
        assert.ok(page.next);
        assert.match(page.next, /^[A-Za-z0-9_-]+$/);
        const key = JSON.parse(Buffer.from(page.next, 'base64url').toString('utf8'));
        assert.deepEqual(Object.keys(key), ['id']);
        assert.equal(key.id, page.items[0]?.id);
      });
    });

    test('an email claim left by a crashed create blocks the email only for the grace period', async () => {
      let now = Date.parse('2026-03-01T12:00:00.000Z');
      await withStore(open, { now: () => now }, async (store) => {
        // A process claimed the email, then died before writing its account.
        const orphan = async (email: string, accountId: string, claimedAt: number) => {
          await store.client.send(new PutItemCommand({
            TableName: store.tables.emails,
            Item: { email: { S: email }, accountId: { S: accountId }, claimId: { S: `claim-${accountId}` }, claimedAt: { S: new Date(claimedAt).toISOString() } },
          }));
        };
        await orphan('lost@example.org', 'crashed', now);
        assert.equal(await store.getAccountByEmail('lost@example.org'), undefined, 'a claim alone is no account');
        // Within the grace period the claim may belong to a create still in flight.
        await assert.rejects(store.createAccount(account('newcomer', 'lost@example.org')), ConflictError);
        now += 6 * 60_000;
        await store.createAccount(account('newcomer', 'lost@example.org'));
        assert.equal((await store.getAccountByEmail('lost@example.org'))?.id, 'newcomer');

        // An old claim whose account does carry the email is live, however old.
        now += 60 * 60_000;
        await assert.rejects(store.createAccount(account('another', 'lost@example.org')), ConflictError);
        // A claim whose account now carries another email (an update that died before
        // releasing the old one) is abandoned once old enough.
        await store.createAccount(account('mover', 'moved@example.org'));
        await orphan('left@example.org', 'mover', now - 10 * 60_000);
        await store.createAccount(account('taker', 'left@example.org'));
        assert.equal((await store.getAccountByEmail('left@example.org'))?.id, 'taker');
      });
    });
  });
}
