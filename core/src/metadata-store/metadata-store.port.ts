// Where accounts, repositories, memberships, API keys, data connections and
// sign-in state live. One implementation speaks the DynamoDB API; the embedded
// default serves that API in-process (dynalite), scale-out points it at DynamoDB.
// Every write that must be unique or must not be lost to a concurrent one is a
// conditional write: of two concurrent requests, exactly one wins, the other gets
// a ConflictError. Writes of a stale copy (its updatedAt no longer current) also
// get a ConflictError.
//
// Lists come in pages of at most `limit` (1–1000) entries, in no promised order;
// follow `next` until it is absent. A cursor that was not made by the same listing
// is a ValidationError. Updates and deletes of
// something that does not exist are NotFoundErrors.
import type { Account, ApiKey, DataConnection, Membership, Repository } from '../accounts/accounts.types.ts';

export interface ListPage<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last one. */
  next?: string;
}

export interface ListOptions {
  limit: number;
  cursor?: string;
}

export interface Session {
  /** SHA-256 of the session secret held by the cookie; the secret itself is never stored. */
  idHash: string;
  accountId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface MetadataStore {
  /** Creates the tables and indexes that are missing; safe to call at every start. */
  ensureTables(): Promise<void>;

  /** ConflictError when the id, or the email, is taken; emails compare case-insensitively. */
  createAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  /** Whatever the case of `email`. */
  getAccountByEmail(email: string): Promise<Account | undefined>;
  /** Replaces the account if its stored updatedAt equals `expectedUpdatedAt`; a changed email must be free (ConflictError). */
  updateAccount(account: Account, expectedUpdatedAt: string): Promise<void>;
  /**
   * Deletes the account if its stored updatedAt equals `expectedUpdatedAt`
   * (ConflictError when it changed, NotFoundError when absent), and with it its
   * email claim and password hash. Memberships, repositories and sessions that
   * name it are the caller's business.
   */
  deleteAccount(id: string, expectedUpdatedAt: string): Promise<void>;
  listAccounts(options: ListOptions): Promise<ListPage<Account>>;
  /** Any account exists at all (the first admin is created on an empty store). */
  hasAccounts(): Promise<boolean>;

  setPasswordHash(accountId: string, hash: string): Promise<void>;
  getPasswordHash(accountId: string): Promise<string | undefined>;
  createSession(session: Session): Promise<void>;
  /** Undefined once the session has expired, whether or not it has been deleted yet. */
  getSession(idHash: string): Promise<Session | undefined>;
  /** Deleting a session that is not there is fine. */
  deleteSession(idHash: string): Promise<void>;
  /** Counts one attempt under `key` in the current window and returns the count so far. */
  countAttempt(key: string, windowSeconds: number): Promise<number>;

  /** ConflictError when `{accountId}/{repositoryId}` exists. */
  createRepository(repository: Repository): Promise<void>;
  getRepository(accountId: string, repositoryId: string): Promise<Repository | undefined>;
  updateRepository(repository: Repository, expectedUpdatedAt: string): Promise<void>;
  deleteRepository(accountId: string, repositoryId: string): Promise<void>;
  listRepositories(options: ListOptions & { accountId?: string }): Promise<ListPage<Repository>>;

  /** ConflictError when the member already has a membership on the resource that is not revoked. */
  createMembership(membership: Membership): Promise<void>;
  getMembership(resource: string, memberId: string): Promise<Membership | undefined>;
  updateMembership(membership: Membership, expectedUpdatedAt: string): Promise<void>;
  listMembershipsOf(resource: string, options: ListOptions): Promise<ListPage<Membership>>;
  listMembershipsFor(memberId: string, options: ListOptions): Promise<ListPage<Membership>>;

  createApiKey(key: ApiKey): Promise<void>;
  getApiKey(accessKeyId: string): Promise<ApiKey | undefined>;
  /** Marks the key revoked; takes effect for every later getApiKey. NotFoundError when there is no such key. */
  revokeApiKey(accessKeyId: string): Promise<void>;
  listApiKeys(accountId: string, options: ListOptions): Promise<ListPage<ApiKey>>;

  createDataConnection(connection: DataConnection): Promise<void>;
  getDataConnection(id: string): Promise<DataConnection | undefined>;
  updateDataConnection(connection: DataConnection, expectedUpdatedAt: string): Promise<void>;
  deleteDataConnection(id: string): Promise<void>;
  listDataConnections(options: ListOptions): Promise<ListPage<DataConnection>>;

  close(): Promise<void>;
}
