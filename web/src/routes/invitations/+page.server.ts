import { fail } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import type { Membership } from '#lib/memberships.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requireAccount(locals, url);
  const { invitations } = await locals.api.get<{ invitations: Membership[] }>('/api/v1/invitations', { limit: 100 });
  return { invitations };
};

/** `{resource}` is an organisation id or `{account}/{repository}`: one or two path segments, each encoded. */
const answerPath = (resource: string, answer: 'accept' | 'decline') =>
  `/api/v1/invitations/${resource.split('/').map(encodeURIComponent).join('/')}/${answer}`;

async function respond(locals: App.Locals, url: URL, request: Request, answer: 'accept' | 'decline') {
  requireAccount(locals, url);
  const resource = field(await request.formData(), 'resource');
  const response = await locals.api.fetch('POST', answerPath(resource, answer));
  if (!response.ok) return fail(400, { error: await problemOf(response) });
  return { answered: resource, accepted: answer === 'accept' };
}

export const actions: Actions = {
  accept: ({ locals, url, request }) => respond(locals, url, request, 'accept'),
  decline: ({ locals, url, request }) => respond(locals, url, request, 'decline'),
};
