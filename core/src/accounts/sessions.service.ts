// Sign-in with email and password, and the sessions it opens. A session's
// secret is 32 random bytes handed to the client once (the API puts it in a
// cookie); the store keeps only its SHA-256, so a copy of the store opens no
// session. Each session has its own CSRF token, which cookie-authenticated
// writes must echo in a header.
import { createHash, randomBytes } from 'node:crypto';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { Session } from '../metadata-store/metadata-store.port.ts';
import { checkObject, LIMITS, requireString } from './account-fields.ts';
import { isoTime, type AccountsDeps } from './accounts-context.ts';
import type { Account } from './accounts.types.ts';
import { verifyPassword } from './passwords.ts';
import { countSignInAttempt, type SignInLimit } from './sign-in-limit.ts';

export interface SessionSettings {
  ttlMs: number;
  limit: SignInLimit;
}

export interface SignedIn {
  account: Account;
  session: Session;
}

export interface OpenedSession extends SignedIn {
  /** For the client only; never stored. */
  secret: string;
}

/** 32 bytes, base64url: 43 characters. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export const sessionIdHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function signIn(deps: AccountsDeps, settings: SessionSettings, body: unknown, ip: string): Promise<OpenedSession> {
  const fields = checkObject(body, ['email', 'password']);
  const email = requireString('email', fields.email).trim();
  const password = requireString('password', fields.password);
  if (email.length === 0 || email.length > LIMITS.email) throw new ValidationError(`email must be 1 to ${LIMITS.email} characters`);
  if (password.length === 0 || [...password].length > LIMITS.passwordMax) throw new ValidationError(`password must be 1 to ${LIMITS.passwordMax} characters`);

  await countSignInAttempt(deps, settings.limit, { email, ip });

  const account = await deps.store.getAccountByEmail(email);
  const hash = account ? await deps.store.getPasswordHash(account.id) : undefined;
  // Always one verification, so that unknown emails take as long as known ones.
  if (!(await verifyPassword(hash, password)) || !account) throw new UnauthorizedError('the email or password is not correct');
  if (account.disabled) throw new ForbiddenError('this account is disabled');

  const secret = randomBytes(32).toString('base64url');
  const now = deps.clock();
  const session: Session = {
    idHash: sessionIdHash(secret),
    accountId: account.id,
    csrfToken: randomBytes(32).toString('base64url'),
    createdAt: isoTime(deps.clock),
    expiresAt: new Date(now + settings.ttlMs).toISOString(),
  };
  await deps.store.createSession(session);
  return { account, session, secret };
}

/**
 * The session a cookie's secret opens, with its account; undefined when the
 * secret is malformed or unknown, the session has expired, or the account is
 * gone or disabled (disabling takes effect on the next request).
 */
export async function resolveSession(deps: AccountsDeps, secret: string): Promise<SignedIn | undefined> {
  if (!SECRET.test(secret)) return undefined;
  const session = await deps.store.getSession(sessionIdHash(secret));
  if (!session || !(Date.parse(session.expiresAt) > deps.clock())) return undefined;
  const account = await deps.store.getAccount(session.accountId);
  if (!account || account.disabled) return undefined;
  return { account, session };
}

export async function signOut(deps: AccountsDeps, session: Session): Promise<void> {
  await deps.store.deleteSession(session.idHash);
}

/** Ends whatever session `secret` opens, if any (a browser signing in again leaves no session behind). */
export async function endSession(deps: AccountsDeps, secret: string): Promise<void> {
  if (SECRET.test(secret)) await deps.store.deleteSession(sessionIdHash(secret));
}
