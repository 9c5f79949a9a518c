// Members of organisations (/accounts/{id}/members) and of repositories
// (/repositories/{account}/{repository}/members), and the caller's invitations:
// GET /invitations, and POST /invitations/{resource}/accept or /decline, where
// {resource} is the organisation id or the repository's `{account}/{repository}`
// path as it is (two segments), e.g. /invitations/ocean-lab/sst/accept.
import { Router, type Request } from 'express';
import type { Membership } from '@meridian/core/accounts/accounts.types';
import {
  changeRole, invite, listInvitations, listMembers, organizationResource, repositoryResource, respondToInvitation, revoke, type MembershipResource,
} from '@meridian/core/memberships/memberships.service';
import type { ListPage } from '@meridian/core/metadata-store/metadata-store.port';
import type { AccountsDeps } from '@meridian/core/accounts/accounts-context';
import { coreDeps, type AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';

type Purpose = 'read' | 'manage';
/** Finds the resource a members route is about, checked for the purpose. */
type Resolve = (core: AccountsDeps, req: Request, purpose: Purpose) => Promise<MembershipResource>;

const param = (req: Request, name: string) => req.params[name] as string;
const pageJson = (key: string, page: ListPage<Membership>) => ({ [key]: page.items, ...(page.next ? { next: page.next } : {}) });

const organization: Resolve = (core, req, purpose) => organizationResource(core, callerOf(req), param(req, 'id'), purpose);
const repository: Resolve = (core, req, purpose) => repositoryResource(core, callerOf(req), param(req, 'account'), param(req, 'repository'), purpose);

export function membershipsRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const core = coreDeps(deps);

  for (const [base, resolve] of [['/accounts/:id/members', organization], ['/repositories/:account/:repository/members', repository]] as const) {
    router.get(base, async (req, res) => {
      res.json(pageJson('members', await listMembers(core, await resolve(core, req, 'read'), req.query)));
    });
    router.post(base, async (req, res) => {
      const resource = await resolve(core, req, 'manage');
      const membership = await invite(core, callerOf(req), resource, req.body);
      res.status(201).location(`${req.baseUrl}${req.path}/${membership.memberId}`).json(membership);
    });
    router.patch(`${base}/:memberId`, async (req, res) => {
      res.json(await changeRole(core, await resolve(core, req, 'manage'), param(req, 'memberId'), req.body));
    });
    router.delete(`${base}/:memberId`, async (req, res) => {
      await revoke(core, await resolve(core, req, 'manage'), param(req, 'memberId'));
      res.status(204).end();
    });
  }

  router.get('/invitations', async (req, res) => {
    res.json(pageJson('invitations', await listInvitations(core, callerOf(req), req.query)));
  });
  for (const answer of ['accept', 'decline'] as const) {
    router.post(`/invitations/*resource/${answer}`, async (req, res) => {
      const resource = (req.params as unknown as { resource: string[] }).resource.join('/');
      res.json(await respondToInvitation(core, callerOf(req), resource, answer));
    });
  }
  return router;
}
