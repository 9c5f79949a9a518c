import type { Request, RequestHandler } from 'express';
import { assertAllowed, type AccountCaller, type Decision } from '@meridian/core/access/access-rule';
import { sameSecret } from '@meridian/core/crypto/same-secret';
import { ForbiddenError, UnauthorizedError } from '@meridian/core/errors';
import { callerOf } from '../accounts/authentication.ts';

/** What the access rule says about a signed-in caller that did not send the admin token. */
export type AccessRuleCheck = (req: Request, caller: AccountCaller) => Promise<Decision> | Decision;

/**
 * The admin token (a bearer token: the loader and the indexer use it) passes;
 * without it, a signed-in caller (session or API key, see authentication.ts)
 * passes when `orAccessRule` allows it, and is refused as it decides (401/403/404).
 * Without `orAccessRule` only the admin token passes. An anonymous caller is a 401.
 */
export function requireAdminToken(token: string, orAccessRule?: AccessRuleCheck): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match && sameSecret(match[1], token)) {
      next();
      return;
    }
    const caller = callerOf(req);
    if (caller.kind === 'anonymous') {
      res.set('WWW-Authenticate', 'Bearer realm="meridian"');
      throw new UnauthorizedError(match ? 'the bearer token is not valid'
        : `this operation needs an Authorization: Bearer <admin token> header${orAccessRule ? ', or an account that may do it (session or API key)' : ''}`);
    }
    if (!orAccessRule || caller.kind !== 'account') throw new ForbiddenError('this operation needs the admin token');
    assertAllowed(await orAccessRule(req, caller));
    next();
  };
}
