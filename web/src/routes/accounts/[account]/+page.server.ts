import type { AccountView } from '@meridian/core/accounts/account-views';
import type { RepositoryView } from '@meridian/core/repositories/repository-views';
import { ApiError } from '#lib/server/api-client.ts';
import type { Membership } from '#lib/memberships.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = encodeURIComponent(params.account);
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const [account, repositories] = await Promise.all([
    locals.api.get<AccountView & { avatarUrl?: string }>(`/api/v1/accounts/${id}`),
    locals.api.get<{ repositories: RepositoryView[]; next?: string }>(`/api/v1/accounts/${id}/repositories`, { limit: 50, cursor }),
  ]);
  // An organisation's members are listed to its members: whether the list opens says whether the caller is one.
  let role: string | undefined;
  if (account.type === 'organization' && locals.account) {
    try {
      const { members } = await locals.api.get<{ members: Membership[] }>(`/api/v1/accounts/${id}/members`, { limit: 100 });
      role = members.find((m) => m.memberId === locals.account?.id && m.state === 'member')?.role;
    } catch (error) {
      if (!(error instanceof ApiError) || ![403, 404].includes(error.status)) throw error;
    }
  }
  const isSelf = locals.account?.id === account.id;
  return {
    profile: account,
    repositories: repositories.repositories,
    next: repositories.next,
    isSelf,
    role,
    mayCreate: isSelf || role === 'owners' || role === 'maintainers',
    welcome: isSelf && url.searchParams.has('welcome'),
  };
};
