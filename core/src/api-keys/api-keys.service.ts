// API keys: for programs, which cannot sign in with a password. A key belongs
// to an account (a person or an organisation) and acts with that account's rights,
// or only on one repository when it is scoped to `{account}/{repository}`. Who
// manages an account's keys is the access rule's 'account:manage_api_keys': the
// person themself, an organisation's owners, admins.
//
// The secret is returned once, by the create call, and kept only sealed under the
// server's secret key (crypto/secret-box.ts): SigV4 needs it back, so a hash would
// not do. Revoking marks the key revoked in the store, which every later
// authentication reads, so it takes effect on the next request.
import { assertAllowed, decide, type Caller } from '../access/access-rule.ts';
import { checkAccountId, checkObject, checkText, requireString } from '../accounts/account-fields.ts';
import { isoTime, type AccountsDeps } from '../accounts/accounts-context.ts';
import { ACCOUNT_ID, REPOSITORY_ID, type Account, type ApiKey } from '../accounts/accounts.types.ts';
import { readAccount } from '../accounts/profile.service.ts';
import { seal } from '../crypto/secret-box.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { ListPage } from '../metadata-store/metadata-store.port.ts';
import { checkPageOptions } from '../metadata-store/page-options.ts';
import { parseRfc3339 } from '../stac/datetime.ts';
import { ACCESS_KEY_ID, apiKeySecretContext, apiKeyToken, newAccessKeyId, newSecretAccessKey } from './api-key-format.ts';

export interface ApiKeysDeps extends AccountsDeps {
  /** The server's secret key (crypto/secret-key.ts): seals key secrets. */
  secretKey: Uint8Array;
}

export const API_KEY_LIMITS = { name: 100, lifetimeYears: 2 } as const;

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A key as every read shows it: never its secret, sealed or not. */
export interface ApiKeyView {
  accessKeyId: string;
  accountId: string;
  repository?: string;
  name: string;
  expiresAt?: string;
  status: ApiKeyStatus;
  createdAt: string;
}

/** The create call's answer: the view, and the secret this once. */
export interface CreatedApiKey {
  key: ApiKeyView;
  secretAccessKey: string;
  /** `<accessKeyId>.<secretAccessKey>`, for `Authorization: Bearer`. */
  token: string;
}

export function apiKeyStatus(key: Pick<ApiKey, 'revoked' | 'expiresAt'>, now: number): ApiKeyStatus {
  if (key.revoked) return 'revoked';
  return key.expiresAt !== undefined && !(Date.parse(key.expiresAt) > now) ? 'expired' : 'active';
}

export function apiKeyView(key: ApiKey, now: number): ApiKeyView {
  const view: ApiKeyView = { accessKeyId: key.accessKeyId, accountId: key.accountId, name: key.name, status: apiKeyStatus(key, now), createdAt: key.createdAt };
  if (key.repository !== undefined) view.repository = key.repository;
  if (key.expiresAt !== undefined) view.expiresAt = key.expiresAt;
  return view;
}

const checkKeyName = (value: unknown) => checkText('name', value, API_KEY_LIMITS.name);

/** An RFC 3339 date-time in the future and at most two years away, as ISO 8601 in UTC. */
export function checkExpiry(value: unknown, now: number): string {
  const text = requireString('expiresAt', value);
  const at = parseRfc3339(text);
  if (at === undefined) throw new ValidationError(`expiresAt ${JSON.stringify(text.slice(0, 60))} is not an RFC 3339 date-time such as 2027-01-31T00:00:00Z`);
  if (!(at > now)) throw new ValidationError('expiresAt must be in the future');
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + API_KEY_LIMITS.lifetimeYears);
  if (at > latest.getTime()) throw new ValidationError(`expiresAt must be at most ${API_KEY_LIMITS.lifetimeYears} years away (${latest.toISOString()} at the latest)`);
  return new Date(at).toISOString();
}

/** `{account}/{repository}` naming a repository that exists and that the caller may see. */
async function checkScope(deps: ApiKeysDeps, caller: Caller, value: unknown): Promise<string> {
  const text = requireString('repository', value);
  const [accountId, repositoryId, ...rest] = text.split('/');
  if (rest.length > 0 || !ACCOUNT_ID.test(accountId) || repositoryId === undefined || !REPOSITORY_ID.test(repositoryId)) {
    throw new ValidationError(`repository ${JSON.stringify(text.slice(0, 90))} is not a repository name: expected {account}/{repository}, e.g. ocean-lab/sea-surface-temperature`);
  }
  const repository = await deps.store.getRepository(accountId, repositoryId);
  // One the caller may not see is answered as one that does not exist.
  if (!repository || !decide(caller, 'repository:read', repository).allowed) throw new ValidationError(`repository ${text} does not exist`);
  return text;
}

export const checkAccessKeyId = (value: unknown): string => {
  const id = requireString('accessKeyId', value);
  if (!ACCESS_KEY_ID.test(id)) throw new ValidationError(`${JSON.stringify(id.slice(0, 40))} is not an access key id: expected MRDN and 16 characters A-Z, 2-7`);
  return id;
};

/** The account whose keys are asked for, once the caller may manage them. */
async function accountForKeys(deps: ApiKeysDeps, caller: Caller, accountId: unknown): Promise<Account> {
  const account = await readAccount(deps, caller, checkAccountId(accountId));
  assertAllowed(decide(caller, 'account:manage_api_keys', account));
  return account;
}

/**
 * Creates a key for `accountId` from `{ name, repository?, expiresAt? }`. Every
 * field is checked before anything is written.
 */
export async function createApiKey(deps: ApiKeysDeps, caller: Caller, accountId: unknown, body: unknown): Promise<CreatedApiKey> {
  const account = await accountForKeys(deps, caller, accountId);
  const fields = checkObject(body, ['name', 'repository', 'expiresAt']);
  const now = deps.clock();
  const name = checkKeyName(fields.name);
  const expiresAt = fields.expiresAt === undefined || fields.expiresAt === null ? undefined : checkExpiry(fields.expiresAt, now);
  const repository = fields.repository === undefined || fields.repository === null ? undefined : await checkScope(deps, caller, fields.repository);

  for (let attempt = 1; ; attempt++) {
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    const key: ApiKey = {
      accessKeyId,
      accountId: account.id,
      name,
      secretCiphertext: seal(deps.secretKey, secretAccessKey, apiKeySecretContext(accessKeyId)),
      revoked: false,
      createdAt: isoTime(deps.clock),
      ...(repository !== undefined ? { repository } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    try {
      await deps.store.createApiKey(key);
    } catch (error) {
      // 80 random bits: a collision is all but impossible, but never overwrites.
      if (error instanceof ConflictError && attempt < 3) continue;
      throw error;
    }
    return { key: apiKeyView(key, now), secretAccessKey, token: apiKeyToken(accessKeyId, secretAccessKey) };
  }
}

/** One page of an account's keys, revoked and expired ones included, oldest first. */
export async function listApiKeys(deps: ApiKeysDeps, caller: Caller, accountId: unknown, options: { limit?: unknown; cursor?: unknown }): Promise<ListPage<ApiKeyView>> {
  const account = await accountForKeys(deps, caller, accountId);
  const page = await deps.store.listApiKeys(account.id, checkPageOptions(options));
  const now = deps.clock();
  return { items: page.items.map((key) => apiKeyView(key, now)), ...(page.next ? { next: page.next } : {}) };
}

async function keyOf(deps: ApiKeysDeps, account: Account, accessKeyId: unknown): Promise<ApiKey> {
  const id = checkAccessKeyId(accessKeyId);
  const key = await deps.store.getApiKey(id);
  if (!key || key.accountId !== account.id) throw new NotFoundError(`account ${account.id} has no API key ${id}`);
  return key;
}

export async function getApiKey(deps: ApiKeysDeps, caller: Caller, accountId: unknown, accessKeyId: unknown): Promise<ApiKeyView> {
  const account = await accountForKeys(deps, caller, accountId);
  return apiKeyView(await keyOf(deps, account, accessKeyId), deps.clock());
}

/** Revokes the key at once; revoking a revoked key again is fine. */
export async function revokeApiKey(deps: ApiKeysDeps, caller: Caller, accountId: unknown, accessKeyId: unknown): Promise<void> {
  const account = await accountForKeys(deps, caller, accountId);
  const key = await keyOf(deps, account, accessKeyId);
  await deps.store.revokeApiKey(key.accessKeyId);
}
