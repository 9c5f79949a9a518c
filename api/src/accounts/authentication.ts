// Who is calling: resolved once per request of the management API, then asked
// for with callerOf / requireSignedIn.
//
// Today a request proves who it is with the session cookie of a signed-in
// browser. Cookies ride along on every request the browser makes, including
// ones another site triggers, so every unsafe request (POST, PUT, PATCH, DELETE)
// that a session cookie authenticates must also carry that session's CSRF token
// in an X-CSRF-Token header — a value only Meridian's own pages can read — or it
// is refused with 403 before any route sees it.
//
// Extension point: programs will authenticate with API keys in the Authorization
// header. That authenticator goes first in `authenticate` below and, when a key
// is presented, decides alone (no cookie is consulted); such requests need no
// CSRF token, because browsers never add that header on their own. Its result is
// an Authentication with method 'api-key' and the caller callerFor builds from the key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ANONYMOUS, loadCaller, type Caller } from '@meridian/core/accounts/account-access';
import type { Account } from '@meridian/core/accounts/accounts.types';
import { resolveSession } from '@meridian/core/accounts/sessions.service';
import { ForbiddenError, UnauthorizedError } from '@meridian/core/errors';
import type { Session } from '@meridian/core/metadata-store/metadata-store.port';
import { coreDeps, type AccountsApiDeps } from './accounts-api-deps.ts';
import { clearSessionCookie, readSessionCookie } from './session-cookie.ts';

export interface Authentication {
  method: 'session';
  account: Account;
  session: Session;
  /** The access rule's view of the caller: the account and its memberships. */
  caller: Caller;
}

export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const authentications = new WeakMap<Request, Authentication>();

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Constant-time whatever the lengths: both sides are hashed first. */
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

export function authenticate(deps: AccountsApiDeps): RequestHandler {
  return async (req, res, next) => {
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

export const authenticationOf = (req: Request): Authentication | undefined => authentications.get(req);

export const callerOf = (req: Request): Caller => authentications.get(req)?.caller ?? ANONYMOUS;

export function requireSignedIn(req: Request): Authentication {
  const authentication = authentications.get(req);
  if (!authentication) throw new UnauthorizedError('sign in first: POST /api/v1/session with your email and password');
  return authentication;
}
