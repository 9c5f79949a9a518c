// Accounts at /api/v1/accounts: sign-up, listing, profiles and admin flags.
import express, { Router } from 'express';
import { callerFor } from '@meridian/core/access/access-rule';
import { accountView } from '@meridian/core/accounts/account-views';
import { setFlags } from '@meridian/core/accounts/admin.service';
import { listAccounts, readAccount, updateProfile } from '@meridian/core/accounts/profile.service';
import { signUp } from '@meridian/core/accounts/sign-up.service';
import { accountJson, accountPath, coreDeps, type AccountsApiDeps } from './accounts-api-deps.ts';
import { callerOf } from './authentication.ts';

/** Sign-up acts on no one's authority, so it comes before authentication (and its CSRF check). */
export function signUpRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.post('/accounts', express.json({ limit: '16kb' }), async (req, res) => {
    const account = await signUp(coreDeps(deps), req.body);
    res.status(201).location(accountPath(account.id)).json(accountJson(req, deps, accountView(account, callerFor(account, []))));
  });
  return router;
}

export function accountsRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.get('/accounts', async (req, res) => {
    const caller = callerOf(req);
    const page = await listAccounts(coreDeps(deps), caller, { limit: req.query.limit, cursor: req.query.cursor });
    res.json({ accounts: page.items.map((account) => accountJson(req, deps, accountView(account, caller))), ...(page.next ? { next: page.next } : {}) });
  });
  router.get('/accounts/:id', async (req, res) => {
    const caller = callerOf(req);
    res.json(accountJson(req, deps, accountView(await readAccount(coreDeps(deps), caller, req.params.id), caller)));
  });
  router.patch('/accounts/:id', async (req, res) => {
    const caller = callerOf(req);
    res.json(accountJson(req, deps, accountView(await updateProfile(coreDeps(deps), caller, req.params.id, req.body), caller)));
  });
  router.patch('/accounts/:id/flags', async (req, res) => {
    const caller = callerOf(req);
    res.json(accountJson(req, deps, accountView(await setFlags(coreDeps(deps), caller, req.params.id, req.body), caller)));
  });
  return router;
}
