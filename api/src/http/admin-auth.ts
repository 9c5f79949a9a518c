import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from '@meridian/core/errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Writes are gated by the admin token (a bearer token) until accounts exist.
 * Hashing both sides first makes the comparison constant-time whatever the length.
 */
export function requireAdminToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="meridian"');
      throw new UnauthorizedError(match ? 'the bearer token is not valid' : 'this operation needs an Authorization: Bearer <admin token> header');
    }
    next();
  };
}
