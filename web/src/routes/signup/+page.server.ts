import { fail, redirect } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { relayCookies } from '#lib/server/relay-cookies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.account) redirect(303, `/accounts/${locals.account.id}`);
};

export const actions: Actions = {
  default: async ({ request, locals, cookies }) => {
    const form = await request.formData();
    const values = { id: field(form, 'id'), email: field(form, 'email'), name: field(form, 'name') };
    const password = form.get('password');
    if (typeof password !== 'string' || password !== form.get('confirm')) {
      return fail(400, { ...values, error: 'The two passwords are not the same.' });
    }
    const created = await locals.api.fetch('POST', '/api/v1/accounts', { json: { ...values, password } });
    if (created.status !== 201) return fail(created.status === 409 ? 409 : 400, { ...values, error: await problemOf(created) });
    // Signed up: signed in at once.
    const session = await locals.api.fetch('POST', '/api/v1/session', { json: { email: values.email, password } });
    if (session.status !== 201) redirect(303, '/signin');
    relayCookies(session, cookies);
    redirect(303, `/accounts/${values.id}?welcome=1`);
  },
};
