// Repositories under /api/v1: created under an account, listed per account and
// across Meridian, read, changed and deleted at /repositories/{account}/{repository}.
import { Router, type Request } from 'express';
import { createRepository, deleteRepository, readRepository, updateRepository, type RepositoriesDeps } from '@meridian/core/repositories/repositories.service';
import { listRepositories } from '@meridian/core/repositories/repository-listing.service';
import { repositoryView } from '@meridian/core/repositories/repository-views';
import type { Caller } from '@meridian/core/access/access-rule';
import type { Repository } from '@meridian/core/accounts/accounts.types';
import type { ListPage } from '@meridian/core/metadata-store/metadata-store.port';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';

export const repositoriesDeps = (deps: AccountsApiDeps): RepositoriesDeps => ({ store: deps.metadata, clock: deps.clock, catalog: deps.catalog, indexing: deps.indexing });

export const repositoryPath = (r: Pick<Repository, 'accountId' | 'repositoryId'>) => `/api/v1/repositories/${r.accountId}/${r.repositoryId}`;

const listJson = (page: ListPage<Repository>, caller: Caller) =>
  ({ repositories: page.items.map((r) => repositoryView(r, caller)), ...(page.next ? { next: page.next } : {}) });

const param = (req: Request, name: string) => req.params[name] as string;

export function repositoriesRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const core = repositoriesDeps(deps);

  router.post('/accounts/:id/repositories', async (req, res) => {
    const caller = callerOf(req);
    const repository = await createRepository(core, caller, param(req, 'id'), req.body);
    res.status(201).location(repositoryPath(repository)).json(repositoryView(repository, caller));
  });
  router.get('/accounts/:id/repositories', async (req, res) => {
    const caller = callerOf(req);
    res.json(listJson(await listRepositories(core, caller, req.query, param(req, 'id')), caller));
  });
  router.get('/repositories', async (req, res) => {
    const caller = callerOf(req);
    res.json(listJson(await listRepositories(core, caller, req.query), caller));
  });
  router.get('/repositories/:account/:repository', async (req, res) => {
    const caller = callerOf(req);
    res.json(repositoryView(await readRepository(core, caller, param(req, 'account'), param(req, 'repository')), caller));
  });
  router.patch('/repositories/:account/:repository', async (req, res) => {
    const caller = callerOf(req);
    res.json(repositoryView(await updateRepository(core, caller, param(req, 'account'), param(req, 'repository'), req.body), caller));
  });
  router.delete('/repositories/:account/:repository', async (req, res) => {
    await deleteRepository(core, callerOf(req), param(req, 'account'), param(req, 'repository'));
    res.status(204).end();
  });
  return router;
}
