// The metadata store on the DynamoDB API: Amazon DynamoDB at scale, dynalite
// in-process for the embedded default, DynamoDB Local in tests — one code path.
//
// Tables: see dynamodb.tables.ts. Every write that must be unique, or must not
// overwrite a concurrent one, is a conditional write (attribute_not_exists, or
// `updatedAt = :expected`); a failed condition becomes a ConflictError (or a
// NotFoundError when the item is simply not there).
//
// Nothing here logs, and no error message carries a secret, a password hash, a
// session hash or a ciphertext: messages name ids only.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand,
  type QueryCommandInput, type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Account, ApiKey, DataConnection, Membership, Repository } from '../../accounts/accounts.types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { ListOptions, ListPage, MetadataStore, Session } from '../metadata-store.port.ts';
import { checkLimit, decodeCursor, encodeCursor, type Key } from './dynamodb.cursor.ts';
import { ensureTables, tableNames, type TableName } from './dynamodb.tables.ts';

export interface DynamoDbCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface DynamoDbConnection {
  /** An endpoint URL for DynamoDB Local, dynalite or another compatible server; unset = AWS's regional endpoint. */
  endpoint?: string;
  region: string;
  /** Unset = the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: DynamoDbCredentials;
}

export type DynamoDbMetadataStoreOptions = ({ client: DynamoDBClient } | DynamoDbConnection) & {
  /** Tables are `${tablePrefix}-accounts`, `${tablePrefix}-emails`, … */
  tablePrefix: string;
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number;
  /**
   * How old an email claim must be before it may be judged abandoned (see
   * claimEmail). Longer than any create or update can take; default 5 minutes.
   */
  emailClaimGraceMs?: number;
};

/** Credentials for servers that check none (dynalite, DynamoDB Local); AWS would refuse them. */
export const LOCAL_CREDENTIALS: DynamoDbCredentials = { accessKeyId: 'meridianlocal', secretAccessKey: 'meridianlocal' };

export function createDynamoDbClient(connection: DynamoDbConnection): DynamoDBClient {
  return new DynamoDBClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: connection.credentials,
    maxAttempts: 5,
  });
}

/** Emails are unique regardless of case and surrounding spaces. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

interface EmailClaim {
  email: string;
  accountId: string;
  /** Random per claim, so that only the writer that made a claim releases it. */
  claimId: string;
  claimedAt: string;
}

type Item = Record<string, unknown>;

const REPOSITORY_LIST_KEY = 'repository';

const isConditionFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';

function without<T>(item: Item | undefined, ...names: string[]): T | undefined {
  if (!item) return undefined;
  const copy = { ...item };
  for (const name of names) delete copy[name];
  return copy as T;
}

/**
 * A list page from one Scan or Query that asked for `limit + 1` items: when the
 * extra one came, there is more, and the cursor is the key of the last item kept.
 * (Asking for just `limit` makes DynamoDB return a LastEvaluatedKey whenever the
 * page is full, so a listing that fills its pages exactly would end on an empty
 * page.) When fewer came, DynamoDB's own LastEvaluatedKey says whether it stopped
 * early (at 1 MB read).
 */
function page<T>(result: { Items?: Item[]; LastEvaluatedKey?: Item }, limit: number, cursorKey: string[]): ListPage<T> {
  const items = result.Items ?? [];
  if (items.length > limit) {
    const last = items[limit - 1];
    return { items: items.slice(0, limit) as T[], next: encodeCursor(Object.fromEntries(cursorKey.map((name) => [name, last[name]]))) };
  }
  return { items: items as T[], next: encodeCursor(result.LastEvaluatedKey) };
}

export class DynamoDbMetadataStore implements MetadataStore {
  readonly tables: Record<TableName, string>;
  readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;
  private readonly ownsClient: boolean;
  private readonly now: () => number;
  private readonly emailClaimGraceMs: number;

  constructor(options: DynamoDbMetadataStoreOptions) {
    this.tables = tableNames(options.tablePrefix);
    this.ownsClient = !('client' in options);
    this.client = 'client' in options ? options.client : createDynamoDbClient(options);
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? Date.now;
    this.emailClaimGraceMs = options.emailClaimGraceMs ?? 5 * 60_000;
  }

  async ensureTables(): Promise<void> {
    await ensureTables(this.client, this.tables);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  // ------------------------------------------------------------ accounts

  // Unique emails without transactions. DynamoDB would do "put the account if its
  // id is free AND put the email claim if the email is free" atomically with
  // TransactWriteItems, but dynalite (the embedded default) does not implement it,
  // and one code path must serve both. So the two conditional writes are ordered,
  // with compensation:
  //   1. claim the email (`${prefix}-emails`, attribute_not_exists) — of concurrent
  //      creators with one email exactly one gets past this step;
  //   2. put the account (attribute_not_exists(id)) — of concurrent creators with
  //      one id exactly one wins;
  //   3. if step 2 fails, release the claim (conditional on our random claimId, so
  //      we never delete a claim someone else now holds).
  // A process that dies between 1 and 2 (or whose release in 3 fails) leaves a
  // claim without an account. Readers never trust a claim alone — getAccountByEmail
  // returns the account only if it carries that email — and a claim older than the
  // grace period whose account does not carry the email is taken over, again by a
  // conditional write, so an email is never locked for good.
  async createAccount(account: Account): Promise<void> {
    const email = account.email === undefined ? undefined : normalizeEmail(account.email);
    const claimId = email === undefined ? undefined : await this.claimEmail(email, account.id);
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables.accounts,
        Item: account,
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      }));
    } catch (error) {
      if (email !== undefined && claimId !== undefined) await this.releaseEmail(email, claimId);
      if (isConditionFailure(error)) throw new ConflictError(`account ${account.id} already exists`);
      throw error;
    }
  }

  async getAccount(id: string): Promise<Account | undefined> {
    return this.get<Account>('accounts', { id });
  }

  async getAccountByEmail(email: string): Promise<Account | undefined> {
    const claim = await this.get<EmailClaim>('emails', { email: normalizeEmail(email) });
    if (!claim) return undefined;
    const account = await this.getAccount(claim.accountId);
    return account?.email !== undefined && normalizeEmail(account.email) === claim.email ? account : undefined;
  }

  // Same ordering as createAccount when the email changes: claim the new email,
  // write the account (conditional on updatedAt), then release the old email; a
  // failed account write releases the new claim.
  async updateAccount(account: Account, expectedUpdatedAt: string): Promise<void> {
    const current = await this.getAccount(account.id);
    if (!current) throw new NotFoundError(`account ${account.id} does not exist`);
    if (current.updatedAt !== expectedUpdatedAt) throw this.stale(`account ${account.id}`);
    const oldEmail = current.email === undefined ? undefined : normalizeEmail(current.email);
    const newEmail = account.email === undefined ? undefined : normalizeEmail(account.email);
    const claimId = newEmail !== undefined && newEmail !== oldEmail ? await this.claimEmail(newEmail, account.id) : undefined;
    try {
      await this.replace('accounts', { id: account.id }, account, expectedUpdatedAt, `account ${account.id}`);
    } catch (error) {
      if (newEmail !== undefined && claimId !== undefined) await this.releaseEmail(newEmail, claimId);
      throw error;
    }
    if (oldEmail !== undefined && oldEmail !== newEmail) {
      try {
        await this.doc.send(new DeleteCommand({
          TableName: this.tables.emails,
          Key: { email: oldEmail },
          ConditionExpression: '#accountId = :accountId',
          ExpressionAttributeNames: { '#accountId': 'accountId' },
          ExpressionAttributeValues: { ':accountId': account.id },
        }));
      } catch (error) {
        // Already gone, or taken over as abandoned: either way no longer ours.
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  // The account goes first (conditional on updatedAt), then its email claim
  // (conditional on still naming it) and its password hash. Should either of those
  // fail, the claim is found abandoned later (see claimEmail) and the hash is
  // unreachable until an account with this id is created again, which sets a new one.
  async deleteAccount(id: string, expectedUpdatedAt: string): Promise<void> {
    let deleted: Item | undefined;
    try {
      const result = await this.doc.send(new DeleteCommand({
        TableName: this.tables.accounts,
        Key: { id },
        ConditionExpression: 'attribute_exists(#id) AND #updatedAt = :expected',
        ExpressionAttributeNames: { '#id': 'id', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
        ReturnValues: 'ALL_OLD',
      }));
      deleted = result.Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!(await this.getAccount(id))) throw new NotFoundError(`account ${id} does not exist`);
      throw this.stale(`account ${id}`);
    }
    const email = typeof deleted?.email === 'string' ? normalizeEmail(deleted.email) : undefined;
    if (email !== undefined) {
      try {
        await this.doc.send(new DeleteCommand({
          TableName: this.tables.emails,
          Key: { email },
          ConditionExpression: '#accountId = :accountId',
          ExpressionAttributeNames: { '#accountId': 'accountId' },
          ExpressionAttributeValues: { ':accountId': id },
        }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    await this.doc.send(new DeleteCommand({ TableName: this.tables.credentials, Key: { accountId: id } }));
  }

  async listAccounts(options: ListOptions): Promise<ListPage<Account>> {
    return this.scan<Account>('accounts', ['id'], options);
  }

  async hasAccounts(): Promise<boolean> {
    const page = await this.doc.send(new ScanCommand({ TableName: this.tables.accounts, Limit: 1, ConsistentRead: true, ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'id' } }));
    return (page.Items?.length ?? 0) > 0;
  }

  /** Claims `email` for `accountId`; ConflictError when another account holds it. Returns the claim's id. */
  private async claimEmail(email: string, accountId: string): Promise<string> {
    const claim: EmailClaim = { email, accountId, claimId: randomUUID(), claimedAt: new Date(this.now()).toISOString() };
    const inUse = () => new ConflictError('an account with this email already exists');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.doc.send(new PutCommand({
          TableName: this.tables.emails,
          Item: claim,
          ConditionExpression: 'attribute_not_exists(#email)',
          ExpressionAttributeNames: { '#email': 'email' },
        }));
        return claim.claimId;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const existing = await this.get<EmailClaim>('emails', { email });
      if (!existing) continue; // released meanwhile: try again
      if (await this.claimIsLive(existing)) throw inUse();
      try {
        // Abandoned: take it over, provided nobody changed it since we looked.
        await this.doc.send(new PutCommand({
          TableName: this.tables.emails,
          Item: claim,
          ConditionExpression: '#claimId = :seen',
          ExpressionAttributeNames: { '#claimId': 'claimId' },
          ExpressionAttributeValues: { ':seen': existing.claimId },
        }));
        return claim.claimId;
      } catch (error) {
        if (isConditionFailure(error)) throw inUse();
        throw error;
      }
    }
    throw inUse();
  }

  /**
   * A claim is live while a create or update may still be writing its account
   * (younger than the grace period), and afterwards while its account carries the
   * email.
   */
  private async claimIsLive(claim: EmailClaim): Promise<boolean> {
    const claimedAt = Date.parse(claim.claimedAt);
    if (!(this.now() - claimedAt >= this.emailClaimGraceMs)) return true;
    const account = await this.getAccount(claim.accountId);
    return account?.email !== undefined && normalizeEmail(account.email) === claim.email;
  }

  /** Best effort: a claim that cannot be released now is found abandoned later. */
  private async releaseEmail(email: string, claimId: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({
        TableName: this.tables.emails,
        Key: { email },
        ConditionExpression: '#claimId = :claimId',
        ExpressionAttributeNames: { '#claimId': 'claimId' },
        ExpressionAttributeValues: { ':claimId': claimId },
      }));
    } catch {
      // see above
    }
  }

  // ------------------------------------------------------------ sign-in state

  async setPasswordHash(accountId: string, hash: string): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tables.credentials,
      Item: { accountId, hash, updatedAt: new Date(this.now()).toISOString() },
    }));
  }

  async getPasswordHash(accountId: string): Promise<string | undefined> {
    const item = await this.get<{ hash: string }>('credentials', { accountId });
    return item?.hash;
  }

  async createSession(session: Session): Promise<void> {
    const expires = Date.parse(session.expiresAt);
    if (Number.isNaN(expires)) throw new ValidationError('session expiresAt must be an ISO 8601 date-time');
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables.sessions,
        Item: { ...session, ttl: Math.ceil(expires / 1000) },
        ConditionExpression: 'attribute_not_exists(#idHash)',
        ExpressionAttributeNames: { '#idHash': 'idHash' },
      }));
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('a session with this id already exists');
      throw error;
    }
  }

  /** An expired session reads as absent: DynamoDB's TTL deletes lazily, and dynalite never does. */
  async getSession(idHash: string): Promise<Session | undefined> {
    const session = without<Session>(await this.getItem('sessions', { idHash }), 'ttl');
    if (!session || !(Date.parse(session.expiresAt) > this.now())) return undefined;
    return session;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tables.sessions, Key: { idHash } }));
  }

  /**
   * Fixed windows aligned to the epoch: each (key, window length, window number)
   * is its own item, incremented with an atomic ADD, so concurrent calls get
   * distinct counts and a new window starts at zero without any reset.
   */
  async countAttempt(key: string, windowSeconds: number): Promise<number> {
    if (key.length === 0 || key.length > 1024) throw new ValidationError('attempt key must be 1 to 1024 characters');
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 31 * 86400) {
      throw new ValidationError('attempt window must be a whole number of seconds from 1 to 31 days');
    }
    const window = Math.floor(this.now() / 1000 / windowSeconds);
    const result = await this.doc.send(new UpdateCommand({
      TableName: this.tables.attempts,
      Key: { counter: `${key}#${windowSeconds}#${window}` },
      UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':ttl': (window + 1) * windowSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }));
    const count = result.Attributes?.count;
    if (typeof count !== 'number') throw new Error('DynamoDB returned no attempt count');
    return count;
  }

  // ------------------------------------------------------------ repositories

  async createRepository(repository: Repository): Promise<void> {
    await this.create('repositories', 'accountId', this.repositoryItem(repository),
      `repository ${repository.accountId}/${repository.repositoryId} already exists`);
  }

  async getRepository(accountId: string, repositoryId: string): Promise<Repository | undefined> {
    return without<Repository>(await this.getItem('repositories', { accountId, repositoryId }), 'listKey', 'path');
  }

  async updateRepository(repository: Repository, expectedUpdatedAt: string): Promise<void> {
    const { accountId, repositoryId } = repository;
    await this.replace('repositories', { accountId, repositoryId }, this.repositoryItem(repository), expectedUpdatedAt,
      `repository ${accountId}/${repositoryId}`);
  }

  async deleteRepository(accountId: string, repositoryId: string): Promise<void> {
    await this.remove('repositories', { accountId, repositoryId }, `repository ${accountId}/${repositoryId}`);
  }

  async listRepositories(options: ListOptions & { accountId?: string }): Promise<ListPage<Repository>> {
    const page = options.accountId !== undefined
      ? await this.query<Item>('repositories', undefined, 'accountId', options.accountId, ['accountId', 'repositoryId'], options)
      : await this.query<Item>('repositories', 'all-by-path', 'listKey', REPOSITORY_LIST_KEY, ['accountId', 'repositoryId', 'listKey', 'path'], options);
    return { ...page, items: page.items.map((item) => without<Repository>(item, 'listKey', 'path') as Repository) };
  }

  private repositoryItem(repository: Repository): Item {
    return { ...repository, listKey: REPOSITORY_LIST_KEY, path: `${repository.accountId}/${repository.repositoryId}` };
  }

  // ------------------------------------------------------------ memberships

  /** One item per (resource, member): a revoked membership may be replaced by a new invitation, any other may not. */
  async createMembership(membership: Membership): Promise<void> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables.memberships,
        Item: membership,
        ConditionExpression: 'attribute_not_exists(#resource) OR #state = :revoked',
        ExpressionAttributeNames: { '#resource': 'resource', '#state': 'state' },
        ExpressionAttributeValues: { ':revoked': 'revoked' },
      }));
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`account ${membership.memberId} already has a membership of ${membership.resource}`);
      throw error;
    }
  }

  async getMembership(resource: string, memberId: string): Promise<Membership | undefined> {
    return this.get<Membership>('memberships', { resource, memberId });
  }

  async updateMembership(membership: Membership, expectedUpdatedAt: string): Promise<void> {
    const { resource, memberId } = membership;
    await this.replace('memberships', { resource, memberId }, membership, expectedUpdatedAt, `membership of ${memberId} in ${resource}`);
  }

  async listMembershipsOf(resource: string, options: ListOptions): Promise<ListPage<Membership>> {
    return this.query<Membership>('memberships', undefined, 'resource', resource, ['resource', 'memberId'], options);
  }

  async listMembershipsFor(memberId: string, options: ListOptions): Promise<ListPage<Membership>> {
    return this.query<Membership>('memberships', 'by-member', 'memberId', memberId, ['resource', 'memberId'], options);
  }

  // ------------------------------------------------------------ API keys

  async createApiKey(key: ApiKey): Promise<void> {
    await this.create('api-keys', 'accessKeyId', key, `API key ${key.accessKeyId} already exists`);
  }

  async getApiKey(accessKeyId: string): Promise<ApiKey | undefined> {
    return this.get<ApiKey>('api-keys', { accessKeyId });
  }

  async revokeApiKey(accessKeyId: string): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tables['api-keys'],
        Key: { accessKeyId },
        UpdateExpression: 'SET #revoked = :true',
        ConditionExpression: 'attribute_exists(#accessKeyId)',
        ExpressionAttributeNames: { '#revoked': 'revoked', '#accessKeyId': 'accessKeyId' },
        ExpressionAttributeValues: { ':true': true },
      }));
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`API key ${accessKeyId} does not exist`);
      throw error;
    }
  }

  /** Oldest first. */
  async listApiKeys(accountId: string, options: ListOptions): Promise<ListPage<ApiKey>> {
    return this.query<ApiKey>('api-keys', 'by-account', 'accountId', accountId, ['accessKeyId', 'accountId', 'createdAt'], options);
  }

  // ------------------------------------------------------------ data connections

  async createDataConnection(connection: DataConnection): Promise<void> {
    await this.create('data-connections', 'id', connection, `data connection ${connection.id} already exists`);
  }

  async getDataConnection(id: string): Promise<DataConnection | undefined> {
    return this.get<DataConnection>('data-connections', { id });
  }

  async updateDataConnection(connection: DataConnection, expectedUpdatedAt: string): Promise<void> {
    await this.replace('data-connections', { id: connection.id }, connection, expectedUpdatedAt, `data connection ${connection.id}`);
  }

  async deleteDataConnection(id: string): Promise<void> {
    await this.remove('data-connections', { id }, `data connection ${id}`);
  }

  async listDataConnections(options: ListOptions): Promise<ListPage<DataConnection>> {
    return this.scan<DataConnection>('data-connections', ['id'], options);
  }

  // ------------------------------------------------------------ helpers

  private async getItem(table: TableName, key: Key): Promise<Item | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables[table], Key: key, ConsistentRead: true }));
    return Item;
  }

  private async get<T>(table: TableName, key: Key): Promise<T | undefined> {
    return (await this.getItem(table, key)) as T | undefined;
  }

  /** Put if no item has this key. */
  private async create(table: TableName, partitionKey: string, item: object, conflict: string): Promise<void> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables[table],
        Item: item as Item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
      }));
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(conflict);
      throw error;
    }
  }

  /** Put if the stored item's updatedAt is `expectedUpdatedAt`; NotFoundError when there is none. */
  private async replace(table: TableName, key: Key, item: object, expectedUpdatedAt: string, what: string): Promise<void> {
    const [partitionKey] = Object.keys(key);
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables[table],
        Item: { ...item, ...key } as Item,
        ConditionExpression: 'attribute_exists(#pk) AND #updatedAt = :expected',
        ExpressionAttributeNames: { '#pk': partitionKey, '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!(await this.getItem(table, key))) throw new NotFoundError(`${what} does not exist`);
      throw this.stale(what);
    }
  }

  private stale(what: string): ConflictError {
    return new ConflictError(`${what} was changed by someone else since it was read; read it again and retry`);
  }

  private async remove(table: TableName, key: Key, what: string): Promise<void> {
    const [partitionKey] = Object.keys(key);
    try {
      await this.doc.send(new DeleteCommand({
        TableName: this.tables[table],
        Key: key,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
      }));
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`${what} does not exist`);
      throw error;
    }
  }

  private async scan<T>(table: TableName, cursorKey: string[], options: ListOptions): Promise<ListPage<T>> {
    const limit = checkLimit(options);
    const input: ScanCommandInput = {
      TableName: this.tables[table],
      Limit: limit + 1,
      ExclusiveStartKey: decodeCursor(options.cursor, cursorKey),
      ConsistentRead: true,
    };
    return page<T>(await this.doc.send(new ScanCommand(input)), limit, cursorKey);
  }

  /** One partition of a table or of an index, in sort-key order. */
  private async query<T>(
    table: TableName, index: string | undefined, partitionKey: string, value: string, cursorKey: string[], options: ListOptions,
  ): Promise<ListPage<T>> {
    const limit = checkLimit(options);
    const input: QueryCommandInput = {
      TableName: this.tables[table],
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': value },
      Limit: limit + 1,
      ExclusiveStartKey: decodeCursor(options.cursor, cursorKey, { [partitionKey]: value }),
      // Base tables read consistently; global secondary indexes cannot.
      ConsistentRead: index === undefined,
    };
    return page<T>(await this.doc.send(new QueryCommand(input)), limit, cursorKey);
  }
}
