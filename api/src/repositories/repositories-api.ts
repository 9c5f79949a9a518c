// Repositories, their members, files and index status, organisations' members and invitations: one
// router for the management API to mount.
import { Router } from 'express';
import { filesRoutes } from '../data-proxy/files.routes.ts';
import { indexStatusRoutes } from '../index-status/index-status.routes.ts';
import { membershipsRoutes } from '../memberships/memberships.routes.ts';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { repositoriesRoutes } from './repositories.routes.ts';

export function repositoriesApi(deps: AccountsApiDeps): Router {
  const router = Router();
  router.use(repositoriesRoutes(deps), membershipsRoutes(deps), filesRoutes(deps), indexStatusRoutes(deps));
  return router;
}
