import { error } from '@sveltejs/kit';
import { changeRole, invite, listMembers, revoke } from '#lib/server/members.ts';
import { loadRepository, repositoryApiPath } from '#lib/server/repository.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

const membersPath = (params: { account: string; repository: string }) => `${repositoryApiPath(params.account, params.repository)}/members`;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireAccount(locals, url);
  const { repository, canEdit } = await loadRepository(locals.api, params.account, params.repository);
  if (!canEdit) error(403, 'Only the repository\'s maintainers and owners see its members here.');
  return { repository, canEdit, members: await listMembers(locals.api, membersPath(params)) };
};

export const actions: Actions = {
  invite: async ({ request, locals, params }) => invite(locals.api, membersPath(params), await request.formData()),
  role: async ({ request, locals, params }) => changeRole(locals.api, membersPath(params), await request.formData()),
  revoke: async ({ request, locals, params }) => revoke(locals.api, membersPath(params), await request.formData()),
};
