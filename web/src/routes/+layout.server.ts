import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
  let invitations = 0;
  if (locals.account) {
    const inbox = await locals.api.get<{ invitations: unknown[] }>('/api/v1/invitations', { limit: 100 });
    invitations = inbox.invitations.length;
  }
  return { account: locals.account, theme: locals.theme, invitations };
};
