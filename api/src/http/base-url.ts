import type { Request } from 'express';

/**
 * The URL clients reach this server at: PUBLIC_URL when set, else the request's own
 * host. Behind a trusted proxy, req.protocol and req.host both follow its
 * X-Forwarded-Proto / X-Forwarded-Host, so the two never mix.
 */
export function baseUrl(req: Request, publicUrl: URL | undefined): string {
  if (publicUrl) return publicUrl.href.replace(/\/$/, '');
  return `${req.protocol}://${req.host ?? 'localhost'}`;
}
