// Checking an API key when a program presents one: over HTTP as a bearer token
// (authenticateApiKey), and — for the data proxy's SigV4, which needs the secret
// to recompute a signature — by access key id alone (secretForAccessKey).
//
// A key is good when it exists, is not revoked, has not expired, its secret can be
// opened with the server's secret key, and its account exists and is not disabled.
// Each check reads the store, so revoking a key, or disabling its account, takes
// effect on the very next request.
import { sameSecret } from '../crypto/same-secret.ts';
import type { Account, ApiKey } from '../accounts/accounts.types.ts';
import { open, SecretBoxError } from '../crypto/secret-box.ts';
import { ACCESS_KEY_ID, apiKeySecretContext, parseApiKeyToken } from './api-key-format.ts';
import type { ApiKeysDeps } from './api-keys.service.ts';

export type ApiKeyAuthDeps = Pick<ApiKeysDeps, 'store' | 'clock' | 'secretKey'>;

/** A good key, its account, and its secret in the clear. */
export interface ResolvedAccessKey {
  key: ApiKey;
  account: Account;
  secret: string;
}

/**
 * Why a key is not good. `unreadable`: its secret does not open under the server's
 * secret key — SECRET_KEY changed or DATA_DIR/secret-key was lost, or the record
 * was tampered with; worth a warning in the log.
 */
export type AccessKeyProblem = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'account' | 'unreadable';

export type AccessKeyCheck = ({ ok: true } & ResolvedAccessKey) | { ok: false; problem: AccessKeyProblem };

/** The key and its opened secret, whatever its state. */
async function loadKey(deps: ApiKeyAuthDeps, accessKeyId: string): Promise<{ ok: true; key: ApiKey; secret: string } | { ok: false; problem: AccessKeyProblem }> {
  if (!ACCESS_KEY_ID.test(accessKeyId)) return { ok: false, problem: 'malformed' };
  const key = await deps.store.getApiKey(accessKeyId);
  if (!key) return { ok: false, problem: 'unknown' };
  try {
    return { ok: true, key, secret: open(deps.secretKey, key.secretCiphertext, apiKeySecretContext(key.accessKeyId)) };
  } catch (error) {
    if (error instanceof SecretBoxError) return { ok: false, problem: 'unreadable' };
    throw error;
  }
}

/** Revoked, expired, or its account gone or disabled: the account when none of these. */
async function usable(deps: ApiKeyAuthDeps, key: ApiKey): Promise<{ ok: true; account: Account } | { ok: false; problem: AccessKeyProblem }> {
  if (key.revoked) return { ok: false, problem: 'revoked' };
  if (key.expiresAt !== undefined && !(Date.parse(key.expiresAt) > deps.clock())) return { ok: false, problem: 'expired' };
  const account = await deps.store.getAccount(key.accountId);
  if (!account || account.disabled) return { ok: false, problem: 'account' };
  return { ok: true, account };
}

export async function checkAccessKey(deps: ApiKeyAuthDeps, accessKeyId: string): Promise<AccessKeyCheck> {
  const loaded = await loadKey(deps, accessKeyId);
  if (!loaded.ok) return loaded;
  const state = await usable(deps, loaded.key);
  if (!state.ok) return state;
  return { ok: true, key: loaded.key, account: state.account, secret: loaded.secret };
}

/** The key, its account and its secret when the key is good; undefined otherwise. */
export async function resolveAccessKey(deps: ApiKeyAuthDeps, accessKeyId: string): Promise<ResolvedAccessKey | undefined> {
  const check = await checkAccessKey(deps, accessKeyId);
  return check.ok ? { key: check.key, account: check.account, secret: check.secret } : undefined;
}

/**
 * For the data proxy's SigV4 verification: the secret of `accessKeyId` in the
 * clear when the key is good (exists, not revoked, not expired, account enabled),
 * undefined otherwise. Never return it to a client or log it. The proxy then
 * builds its caller with loadCaller(store, account, key) from resolveAccessKey.
 */
export async function secretForAccessKey(deps: ApiKeyAuthDeps, accessKeyId: string): Promise<string | undefined> {
  return (await resolveAccessKey(deps, accessKeyId))?.secret;
}


export type TokenCheck = { ok: true; key: ApiKey; account: Account } | { ok: false; problem: AccessKeyProblem | 'secret'; key?: ApiKey };

/**
 * A bearer token `<accessKeyId>.<secret>`: good when the secret matches
 * (compared in constant time) and the key is good. The secret is compared first,
 * so that only a holder of the secret learns that a key is revoked or expired
 * (then `key` is set); `malformed` when the token is not in the API-key form at
 * all (callers leave such tokens to other authenticators).
 */
export async function authenticateApiKey(deps: ApiKeyAuthDeps, token: string): Promise<TokenCheck> {
  const parsed = parseApiKeyToken(token);
  if (!parsed) return { ok: false, problem: 'malformed' };
  const loaded = await loadKey(deps, parsed.accessKeyId);
  if (!loaded.ok) return loaded;
  // Hashed first, so the comparison takes the same time whatever the lengths.
  if (!sameSecret(parsed.secret, loaded.secret)) return { ok: false, problem: 'secret' };
  const state = await usable(deps, loaded.key);
  if (!state.ok) return { ...state, key: loaded.key };
  return { ok: true, key: loaded.key, account: state.account };
}
