// The management API under /api/v1 (accounts and sign-in so far): JSON in and
// out, errors as { code, description }. Same-origin only (no CORS): the web app
// and programs call it, other sites' pages do not.
import express, { Router } from 'express';
import { apiKeysRoutes } from '../api-keys/api-keys.routes.ts';
import { dataConnectionsRoutes } from '../data-connections/data-connections.routes.ts';
import type { AccountsApiDeps } from './accounts-api-deps.ts';
import { accountsRoutes, signUpRoutes } from './accounts.routes.ts';
import { authenticate } from './authentication.ts';
import { managementOpenApiRoutes } from './management-openapi.ts';
import { avatarRoutes } from './avatar.routes.ts';
import { organizationsRoutes } from './organizations.routes.ts';
import { repositoriesApi } from '../repositories/repositories-api.ts';
import { sessionRoutes, signInRoutes } from './session.routes.ts';

export function managementApi(deps: AccountsApiDeps): Router {
  const api = Router();
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Anonymous operations: they never act on a session's authority.
  api.use(signInRoutes(deps));
  api.use(signUpRoutes(deps));
  api.use(managementOpenApiRoutes(deps));
  api.use(authenticate(deps));
  // Raw image bodies, before the JSON parser.
  api.use(avatarRoutes(deps));
  api.use(express.json({ limit: '64kb' }));
  api.use(sessionRoutes(deps));
  api.use(accountsRoutes(deps));
  api.use(organizationsRoutes(deps));
  api.use(repositoriesApi(deps));
  api.use(apiKeysRoutes(deps), dataConnectionsRoutes(deps));
  return api;
}
