// Organisations at /api/v1/organizations: a signed-in person creates one and becomes its owner.
import { Router } from 'express';
import { accountView } from '@meridian/core/accounts/account-views';
import { createOrganization } from '@meridian/core/accounts/organizations.service';
import { accountJson, accountPath, coreDeps, type AccountsApiDeps } from './accounts-api-deps.ts';
import { callerOf } from './authentication.ts';

export function organizationsRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.post('/organizations', async (req, res) => {
    const caller = callerOf(req);
    const { organization } = await createOrganization(coreDeps(deps), caller, req.body);
    res.status(201).location(accountPath(organization.id)).json(accountJson(req, deps, accountView(organization, caller)));
  });
  return router;
}
