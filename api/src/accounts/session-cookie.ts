// The session cookie: the session's secret, HttpOnly (no script reads it),
// SameSite=Lax (not sent with cross-site form posts or fetches), Secure whenever
// clients reach Meridian over https, and expiring with the session.
import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '@meridian/core/config/config';

export const SESSION_COOKIE = 'meridian_session';

/** https as clients see it: PUBLIC_URL's scheme when set, else this request's (X-Forwarded-Proto from a trusted proxy). */
const secure = (req: Request, config: Config) => (config.publicUrl ? config.publicUrl.protocol === 'https:' : req.secure);

const options = (req: Request, config: Config): CookieOptions => ({ httpOnly: true, sameSite: 'lax', secure: secure(req, config), path: '/' });

export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, config: Config, secret: string, expiresAt: string): void {
  res.cookie(SESSION_COOKIE, secret, { ...options(req, config), expires: new Date(expiresAt) });
}

export function clearSessionCookie(req: Request, res: Response, config: Config): void {
  res.clearCookie(SESSION_COOKIE, options(req, config));
}
