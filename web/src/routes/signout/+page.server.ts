import { redirect } from '@sveltejs/kit';
import { relayCookies } from '#lib/server/relay-cookies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    const response = await locals.api.fetch('DELETE', '/api/v1/session');
    relayCookies(response, cookies);
    redirect(303, '/');
  },
};
