// The indexer's state on the DynamoDB API, in the metadata store's own client and
// tables (`<prefix>-index-status`, `<prefix>-index-objects`, created with the
// others by ensureTables): the embedded dynalite, DynamoDB Local or Amazon
// DynamoDB alike. Object records are written and deleted 25 at a time
// (BatchWriteItem's limit), retrying what DynamoDB leaves unprocessed.
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableName } from '../metadata-store/dynamodb/dynamodb.tables.ts';
import type { CrawledObject, IndexStateStore, IndexStatus } from './index-state.port.ts';

const BATCH = 25;

const repositoryOf = (accountId: string, repositoryId: string) => `${accountId}/${repositoryId}`;

type Item = Record<string, unknown>;

function strip<T>(item: Item, ...names: string[]): T {
  const copy = { ...item };
  for (const name of names) delete copy[name];
  return copy as T;
}

type SharedStore = { client: DynamoDBClient; tables: Record<TableName, string> };

export class DynamoDbIndexStateStore implements IndexStateStore {
  readonly #store: SharedStore;
  #client: DynamoDBDocumentClient | undefined;

  /** `store`: the metadata store (DynamoDbMetadataStore) whose client and tables it shares, first used at the first call. */
  constructor(store: SharedStore) {
    this.#store = store;
  }

  get #doc(): DynamoDBDocumentClient {
    this.#client ??= DynamoDBDocumentClient.from(this.#store.client, { marshallOptions: { removeUndefinedValues: true } });
    return this.#client;
  }

  get #status(): string {
    return this.#store.tables['index-status'];
  }

  get #objects(): string {
    return this.#store.tables['index-objects'];
  }

  async getStatus(accountId: string, repositoryId: string): Promise<IndexStatus | undefined> {
    const { Item } = await this.#doc.send(new GetCommand({ TableName: this.#status, Key: { repository: repositoryOf(accountId, repositoryId) }, ConsistentRead: true }));
    return Item ? strip<IndexStatus>(Item, 'repository') : undefined;
  }

  async putStatus(status: IndexStatus): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#status, Item: { ...status, repository: repositoryOf(status.accountId, status.repositoryId) } }));
  }

  async requestReindex(accountId: string, repositoryId: string, now: string): Promise<void> {
    await this.#doc.send(new UpdateCommand({
      TableName: this.#status,
      Key: { repository: repositoryOf(accountId, repositoryId) },
      // A repository never crawled gets a queued status holding the request.
      UpdateExpression: 'SET reindexRequested = :yes, updatedAt = :now, accountId = :account, repositoryId = :repo, ' +
        '#state = if_not_exists(#state, :queued), counts = if_not_exists(counts, :zero), problems = if_not_exists(problems, :none), ' +
        'problemCount = if_not_exists(problemCount, :nothing)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':yes': true, ':now': now, ':account': accountId, ':repo': repositoryId, ':queued': 'queued',
        ':zero': { seen: 0, indexed: 0, invalid: 0, failed: 0 }, ':none': [], ':nothing': 0,
      },
    }));
  }

  async *listObjects(accountId: string, repositoryId: string): AsyncIterable<CrawledObject> {
    let start: Item | undefined;
    do {
      const page = await this.#doc.send(new QueryCommand({
        TableName: this.#objects,
        KeyConditionExpression: 'repository = :r',
        ExpressionAttributeValues: { ':r': repositoryOf(accountId, repositoryId) },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }));
      for (const item of page.Items ?? []) yield strip<CrawledObject>(item, 'repository');
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async putObjects(accountId: string, repositoryId: string, objects: CrawledObject[]): Promise<void> {
    const repository = repositoryOf(accountId, repositoryId);
    await this.#batches(objects.map((object) => ({ PutRequest: { Item: { ...object, repository } } })));
  }

  async deleteObjects(accountId: string, repositoryId: string, keys: string[]): Promise<void> {
    const repository = repositoryOf(accountId, repositoryId);
    await this.#batches(keys.map((key) => ({ DeleteRequest: { Key: { repository, key } } })));
  }

  async deleteRepository(accountId: string, repositoryId: string): Promise<void> {
    const keys: string[] = [];
    for await (const object of this.listObjects(accountId, repositoryId)) keys.push(object.key);
    await this.deleteObjects(accountId, repositoryId, keys);
    await this.#doc.send(new DeleteCommand({ TableName: this.#status, Key: { repository: repositoryOf(accountId, repositoryId) } }));
  }

  async #batches(requests: Item[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH) {
      let pending: Item[] = requests.slice(i, i + BATCH);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
        if (attempt > 10) throw new Error(`DynamoDB left ${pending.length} writes to ${this.#objects} unprocessed after ${attempt} tries`);
        const result = await this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.#objects]: pending } }));
        pending = (result.UnprocessedItems?.[this.#objects] ?? []) as Item[];
      }
    }
  }
}
