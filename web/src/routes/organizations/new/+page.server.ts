import { fail, redirect } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import { requireAccount } from '#lib/server/require-account.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  requireAccount(locals, url);
};

export const actions: Actions = {
  default: async ({ request, locals, url }) => {
    requireAccount(locals, url);
    const form = await request.formData();
    const values = { id: field(form, 'id'), name: field(form, 'name'), website: field(form, 'website'), bio: field(form, 'bio') };
    const body = { id: values.id, name: values.name, ...(values.website ? { website: values.website } : {}), ...(values.bio ? { bio: values.bio } : {}) };
    const response = await locals.api.fetch('POST', '/api/v1/organizations', { json: body });
    if (response.status !== 201) return fail(response.status === 409 ? 409 : 400, { ...values, error: await problemOf(response) });
    redirect(303, `/accounts/${values.id}`);
  },
};
