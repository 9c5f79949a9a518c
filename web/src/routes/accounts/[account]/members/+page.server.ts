import type { AccountView } from '@meridian/core/accounts/account-views';
import { changeRole, invite, listMembers, revoke } from '#lib/server/members.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

const membersPath = (account: string) => `/api/v1/accounts/${encodeURIComponent(account)}/members`;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const me = requireAccount(locals, url);
  const [organization, members] = await Promise.all([
    locals.api.get<AccountView>(`/api/v1/accounts/${encodeURIComponent(params.account)}`),
    listMembers(locals.api, membersPath(params.account)),
  ]);
  const role = members.find((m) => m.memberId === me.id && m.state === 'member')?.role;
  return { organization, members, canManage: role === 'owners' || Boolean(me.flags?.admin) };
};

export const actions: Actions = {
  invite: async ({ request, locals, params }) => invite(locals.api, membersPath(params.account), await request.formData()),
  role: async ({ request, locals, params }) => changeRole(locals.api, membersPath(params.account), await request.formData()),
  revoke: async ({ request, locals, params }) => revoke(locals.api, membersPath(params.account), await request.formData()),
};
