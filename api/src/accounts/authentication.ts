// Who is calling: resolved once per request of the management API (and of the
// STAC API), then asked for with callerOf / requireSignedIn.
//
// Browsers prove who they are with the session cookie of a signed-in person.
// Cookies ride along on every request the browser makes, including ones another
// site triggers, so every unsafe request (POST, PUT, PATCH, DELETE) that a
// session cookie authenticates must also carry that session's CSRF token in an
// X-CSRF-Token header — a value only Meridian's own pages can read — or it is
// refused with 403 before any route sees it.
//
// Programs use API keys instead: `Authorization: Bearer <accessKeyId>.<secret>`
// (core/src/api-keys/api-key-format.ts). That authenticator goes first and, when
// the bearer value has the API-key form, decides alone: no cookie is consulted,
// and a key that does not verify (unknown, wrong secret, revoked, expired, its
// account disabled) is a 401 at once, never a quiet fall back to anonymous. Such
// requests need no CSRF token, because browsers never add that header on their
// own. The indexer sends its service credential the same way
// (core/src/access/indexer-credential.ts) and becomes the access rule's INDEXER
// caller; a wrong one is a 401. A bearer value of any other form (the STAC API's
// admin token) is left alone for the routes that expect it.
import type { Request, RequestHandler } from 'express';
import { INDEXER } from '@meridian/core/access/access-rule';
import { isIndexerToken, looksLikeIndexerToken } from '@meridian/core/access/indexer-credential';
import { ANONYMOUS, loadCaller, type Caller } from '@meridian/core/accounts/account-access';
import type { Account, ApiKey } from '@meridian/core/accounts/accounts.types';
import { resolveSession } from '@meridian/core/accounts/sessions.service';
import { authenticateApiKey } from '@meridian/core/api-keys/api-key-auth';
import { parseApiKeyToken } from '@meridian/core/api-keys/api-key-format';
import { sameSecret } from '@meridian/core/crypto/same-secret';
import { ForbiddenError, UnauthorizedError } from '@meridian/core/errors';
import type { Session } from '@meridian/core/metadata-store/metadata-store.port';
import { secretDeps } from '../http/secret-deps.ts';
import { coreDeps, type AccountsApiDeps } from './accounts-api-deps.ts';
import { clearSessionCookie, readSessionCookie } from './session-cookie.ts';

export interface SessionAuthentication {
  method: 'session';
  account: Account;
  session: Session;
  /** The access rule's view of the caller: the account and its memberships. */
  caller: Caller;
}

export interface ApiKeyAuthentication {
  method: 'api-key';
  account: Account;
  /** The key that authenticated the request (its sealed secret included: never return it). */
  apiKey: ApiKey;
  /** The account and its memberships, limited to the key's repository when it is scoped to one. */
  caller: Caller;
}

export type Authentication = SessionAuthentication | ApiKeyAuthentication;

export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const authentications = new WeakMap<Request, Authentication>();
/** Requests the indexer's service credential authenticated: not a person, so never "signed in". */
const indexerRequests = new WeakSet<Request>();

/** The bearer value of the Authorization header, if it has one. */
function bearerToken(req: Request): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

const INVALID_KEY: Record<string, string> = {
  revoked: 'this API key has been revoked',
  expired: 'this API key has expired',
  account: 'the account of this API key is disabled',
};

export function authenticate(deps: AccountsApiDeps): RequestHandler {
  const keys = secretDeps(deps);
  return async (req, res, next) => {
    // An earlier authenticator (the data proxy's SigV4) has decided: no cookie may override it.
    if (authentications.has(req)) {
      next();
      return;
    }
    const token = bearerToken(req);
    if (token !== undefined && looksLikeIndexerToken(token)) {
      if (!isIndexerToken(token, keys.secretKey)) {
        res.set('WWW-Authenticate', 'Bearer realm="meridian", error="invalid_token"');
        throw new UnauthorizedError('the indexer credential is not valid for this server (do the api and the indexer share SECRET_KEY?)');
      }
      indexerRequests.add(req);
      next();
      return;
    }
    if (token !== undefined && parseApiKeyToken(token)) {
      const check = await authenticateApiKey(keys, token);
      if (!check.ok) {
        if (check.problem === 'unreadable') {
          req.log?.warn({ accessKeyId: parseApiKeyToken(token)?.accessKeyId }, 'an API key\'s secret cannot be opened with the server\'s secret key (SECRET_KEY changed, or DATA_DIR/secret-key replaced?)');
        }
        res.set('WWW-Authenticate', 'Bearer realm="meridian", error="invalid_token"');
        throw new UnauthorizedError(INVALID_KEY[check.problem] ?? 'the API key is not valid: no key has this access key id and secret');
      }
      const caller = await loadCaller(deps.metadata, check.account, check.key);
      authentications.set(req, { method: 'api-key', account: check.account, apiKey: check.key, caller });
      next();
      return;
    }
    const secret = readSessionCookie(req);
    if (secret !== undefined) {
      const signedIn = await resolveSession(coreDeps(deps), secret);
      if (!signedIn) {
        // Expired, signed out or never valid: the request goes on anonymous, and the browser forgets the cookie.
        clearSessionCookie(req, res, deps.config);
      } else {
        if (!SAFE_METHODS.has(req.method)) {
          const token = req.get(CSRF_HEADER);
          if (!token) throw new ForbiddenError(`this request needs the session's CSRF token in an ${CSRF_HEADER} header (returned by POST and GET /api/v1/session)`);
          if (!sameSecret(token, signedIn.session.csrfToken)) throw new ForbiddenError(`the ${CSRF_HEADER} header does not match this session's CSRF token`);
        }
        const caller = await loadCaller(deps.metadata, signedIn.account);
        authentications.set(req, { method: 'session', ...signedIn, caller });
      }
    }
    next();
  };
}

/** For an authenticator that verifies an API key another way (the data proxy's SigV4 signatures). */
export function setApiKeyAuthentication(req: Request, authentication: ApiKeyAuthentication): void {
  authentications.set(req, authentication);
}

export const authenticationOf = (req: Request): Authentication | undefined => authentications.get(req);

export const callerOf = (req: Request): Caller => authentications.get(req)?.caller ?? (indexerRequests.has(req) ? INDEXER : ANONYMOUS);

export function requireSignedIn(req: Request): Authentication {
  const authentication = authentications.get(req);
  if (!authentication) throw new UnauthorizedError('sign in first: POST /api/v1/session with your email and password, or send an API key as Authorization: Bearer <accessKeyId>.<secret>');
  return authentication;
}
