import { fail, redirect } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { safeNext } from '#lib/server/next-path.ts';
import { relayCookies } from '#lib/server/relay-cookies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  const next = safeNext(url.searchParams.get('next'));
  if (locals.account) redirect(303, next);
  return { next };
};

export const actions: Actions = {
  default: async ({ request, locals, cookies }) => {
    const form = await request.formData();
    const email = field(form, 'email');
    const password = form.get('password');
    const next = safeNext(form.get('next'));
    if (!email || typeof password !== 'string' || password === '') {
      return fail(400, { email, next, error: 'Enter your email address and your password.' });
    }
    const response = await locals.api.fetch('POST', '/api/v1/session', { json: { email, password } });
    if (response.status !== 201) {
      const problem = await problemOf(response);
      const error = response.status === 401 ? 'That email and password do not match an account.'
        : response.status === 429 ? `Too many attempts: ${problem}` : problem;
      return fail(response.status === 429 ? 429 : 400, { email, next, error });
    }
    relayCookies(response, cookies);
    redirect(303, next);
  },
};
