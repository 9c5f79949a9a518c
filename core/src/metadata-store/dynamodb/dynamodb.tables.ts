// The metadata store's tables, and ensureTables(): create what is missing, wait
// until it is ACTIVE, enable TTL where the endpoint supports it. Every table is
// on-demand (PAY_PER_REQUEST) and every key attribute is a string.
import {
  CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand, UpdateTableCommand, UpdateTimeToLiveCommand,
  type DynamoDBClient, type TableDescription,
} from '@aws-sdk/client-dynamodb';

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey?: string;
}

export interface TableDefinition {
  partitionKey: string;
  sortKey?: string;
  indexes?: IndexDefinition[];
  /** Attribute holding the expiry in epoch seconds, for DynamoDB's TTL deletion. */
  ttlAttribute?: string;
}

/** Table suffixes (`${prefix}-${suffix}`) and their keys. */
export const TABLES = {
  accounts: { partitionKey: 'id' },
  /** Normalised email → account id: the claim that keeps emails unique. */
  emails: { partitionKey: 'email' },
  /** Password hashes, apart from accounts so that no account read carries them. */
  credentials: { partitionKey: 'accountId' },
  sessions: { partitionKey: 'idHash', ttlAttribute: 'ttl' },
  /** Rate-limit counters, one item per key and window. */
  attempts: { partitionKey: 'counter', ttlAttribute: 'ttl' },
  repositories: {
    partitionKey: 'accountId',
    sortKey: 'repositoryId',
    // Every repository carries listKey = "repository": one partition of this index
    // lists them all in `{account}/{repository}` order.
    indexes: [{ name: 'all-by-path', partitionKey: 'listKey', sortKey: 'path' }],
  },
  memberships: {
    partitionKey: 'resource',
    sortKey: 'memberId',
    indexes: [{ name: 'by-member', partitionKey: 'memberId', sortKey: 'resource' }],
  },
  'api-keys': {
    partitionKey: 'accessKeyId',
    indexes: [{ name: 'by-account', partitionKey: 'accountId', sortKey: 'createdAt' }],
  },
  'data-connections': { partitionKey: 'id' },
  /** The indexer's state per repository (core/src/index-state/): its status, and each crawled object by key. */
  'index-status': { partitionKey: 'repository' },
  'index-objects': { partitionKey: 'repository', sortKey: 'key' },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;

/** DynamoDB table names: 3–255 of letters, digits, `_`, `-`, `.`; the prefix leaves room for the longest suffix. */
export const TABLE_PREFIX = /^[A-Za-z0-9_.-]{3,200}$/;

export function tableNames(prefix: string): Record<TableName, string> {
  if (!TABLE_PREFIX.test(prefix)) {
    throw new Error(`invalid DynamoDB table prefix ${JSON.stringify(prefix)}: expected 3–200 letters, digits, '_', '-' or '.'`);
  }
  return Object.fromEntries(Object.keys(TABLES).map((name) => [name, `${prefix}-${name}`])) as Record<TableName, string>;
}

const keyAttributes = (definition: TableDefinition) => {
  const names = new Set<string>([definition.partitionKey]);
  if (definition.sortKey) names.add(definition.sortKey);
  for (const index of definition.indexes ?? []) {
    names.add(index.partitionKey);
    if (index.sortKey) names.add(index.sortKey);
  }
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
};

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

const indexSpec = (index: IndexDefinition) => ({
  IndexName: index.name,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection: { ProjectionType: 'ALL' as const },
});

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  if (!Table) throw new Error(`DescribeTable ${name} returned no table`);
  return Table;
}

/** Polls until the table and all its indexes are ACTIVE (DynamoDB takes seconds to minutes; local servers, none). */
async function waitUntilActive(client: DynamoDBClient, name: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    const table = await describe(client, name);
    const indexesActive = (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) throw new Error(`DynamoDB table ${name} is not ACTIVE after ${timeoutMs / 1000} s (status ${table.TableStatus})`);
    await sleep(delay);
  }
}

async function createTable(client: DynamoDBClient, name: string, definition: TableDefinition): Promise<void> {
  try {
    await client.send(new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyAttributes(definition),
      KeySchema: keySchema(definition.partitionKey, definition.sortKey),
      GlobalSecondaryIndexes: definition.indexes?.length ? definition.indexes.map(indexSpec) : undefined,
    }));
  } catch (error) {
    // Another process created it between our ListTables and CreateTable.
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
}

/** Adds the indexes an existing table lacks (tables made by an older Meridian). One index per UpdateTable, as DynamoDB requires. */
async function addMissingIndexes(client: DynamoDBClient, name: string, definition: TableDefinition, timeoutMs: number): Promise<void> {
  let table = await waitUntilActive(client, name, timeoutMs);
  for (const index of definition.indexes ?? []) {
    if ((table.GlobalSecondaryIndexes ?? []).some((existing) => existing.IndexName === index.name)) continue;
    try {
      await client.send(new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: keyAttributes(definition),
        GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
      }));
    } catch (error) {
      throw new Error(`DynamoDB table ${name} lacks index ${index.name} and this endpoint could not add it (${errorName(error)}); ` +
        'delete the table or add the index by hand', { cause: error });
    }
    table = await waitUntilActive(client, name, timeoutMs);
  }
}

/**
 * Enables TTL deletion. dynalite implements neither UpdateTimeToLive nor expiry
 * (UnknownOperationException), so that is tolerated: the store never trusts TTL
 * for correctness anyway — DynamoDB deletes expired items only within a day or
 * two — and checks expiry itself on every read.
 */
async function enableTtl(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  try {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const status = TimeToLiveDescription?.TimeToLiveStatus;
    if (status === 'ENABLED' || status === 'ENABLING') return;
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } }));
  } catch (error) {
    const name = errorName(error);
    if (name === 'UnknownOperationException') return; // dynalite
    // Two processes enabling it at once: the loser is told it is already enabled.
    if (name === 'ValidationException' && /already enabled/i.test((error as Error).message)) return;
    throw error;
  }
}

export async function ensureTables(client: DynamoDBClient, names: Record<TableName, string>, timeoutMs = 5 * 60_000): Promise<void> {
  const existing = await listTables(client);
  const entries = Object.entries(TABLES) as [TableName, TableDefinition][];
  await Promise.all(entries.map(async ([table, definition]) => {
    const name = names[table];
    if (existing.has(name)) await addMissingIndexes(client, name, definition, timeoutMs);
    else await createTable(client, name, definition);
    await waitUntilActive(client, name, timeoutMs);
    if (definition.ttlAttribute) await enableTtl(client, name, definition.ttlAttribute);
  }));
}
