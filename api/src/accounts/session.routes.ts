// Sign-in (POST), the current session (GET) and sign-out (DELETE) at /api/v1/session.
import express, { Router, type Request } from 'express';
import { callerFor } from '@meridian/core/access/access-rule';
import { accountView } from '@meridian/core/accounts/account-views';
import { endSession, signIn, signOut, type SignedIn } from '@meridian/core/accounts/sessions.service';
import { apiKeyView } from '@meridian/core/api-keys/api-keys.service';
import { accountJson, coreDeps, sessionSettings, type AccountsApiDeps } from './accounts-api-deps.ts';
import { authenticationOf, requireSignedIn } from './authentication.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';

function sessionJson(req: Request, deps: AccountsApiDeps, { account, session }: SignedIn, caller = callerFor(account, [])) {
  return { account: accountJson(req, deps, accountView(account, caller)), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** Sign-in acts on no one's authority, so it comes before authentication (and its CSRF check). */
export function signInRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const settings = sessionSettings(deps.config);
  router.post('/session', express.json({ limit: '16kb' }), async (req, res) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const opened = await signIn(coreDeps(deps), settings, req.body, ip);
    // A session this browser had before is ended, not left behind.
    const previous = readSessionCookie(req);
    if (previous) await endSession(coreDeps(deps), previous);
    setSessionCookie(req, res, deps.config, opened.secret, opened.session.expiresAt);
    res.status(201).json(sessionJson(req, deps, opened));
  });
  return router;
}

export function sessionRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.get('/session', (req, res) => {
    const authentication = requireSignedIn(req);
    if (authentication.method === 'api-key') {
      // A program asking who it is: the key's account and the key, no session.
      const { account, apiKey, caller } = authentication;
      res.json({ account: accountJson(req, deps, accountView(account, caller)), apiKey: apiKeyView(apiKey, deps.clock()) });
      return;
    }
    res.json(sessionJson(req, deps, authentication, authentication.caller));
  });
  router.delete('/session', async (req, res) => {
    const authentication = authenticationOf(req);
    if (authentication?.method === 'session') await signOut(coreDeps(deps), authentication.session);
    clearSessionCookie(req, res, deps.config);
    res.status(204).end();
  });
  return router;
}
